import GantryCore
import GantryRedis
import Logging
import Synchronization

/// Enqueue: one script call per chunk of a bulk enqueue (`QueueScripts.enqueue`).
extension RedisJobQueueDriver {
    public func enqueue(_ jobs: [JobEnvelope]) async throws -> [EnqueueResult] {
        // Check, encode and size-check everything before storing anything.
        var bodies: [[UInt8]] = []
        bodies.reserveCapacity(jobs.count)
        for job in jobs {
            try job.validateOptions()
            bodies.append(try job.encoded(maxBytes: configuration.maxEncodedBytes))
        }

        var order: [QueueName] = []
        var byQueue: [QueueName: [Int]] = [:]
        for (i, job) in jobs.enumerated() {
            if byQueue[job.queue] == nil { order.append(job.queue) }
            byQueue[job.queue, default: []].append(i)
        }
        var calls: [(script: RedisScript, keys: [RedisArgument], arguments: [RedisArgument])] = []
        var callIndexes: [[Int]] = []
        for queue in order {
            let indexes = byQueue[queue]!
            for start in stride(from: 0, to: indexes.count, by: configuration.enqueueChunk) {
                let chunk = Array(indexes[start..<min(start + configuration.enqueueChunk, indexes.count)])
                var args: [RedisArgument] = [RedisArgument(chunk.count)]
                args.reserveCapacity(1 + chunk.count * 7)
                for i in chunk {
                    let job = jobs[i]
                    args.append(RedisArgument(job.id.description))
                    args.append(RedisArgument(job.priority))
                    args.append(RedisArgument(job.runAtMs))
                    args.append(RedisArgument(job.uniqueKey ?? ""))
                    args.append(RedisArgument(job.uniqueForMs ?? 0))
                    args.append(RedisArgument(bodies[i]))
                    args.append(RedisArgument(job.group ?? ""))
                }
                calls.append((QueueScripts.enqueue, [prefix(queue)], args))
                callIndexes.append(chunk)
            }
        }
        let newQueues = knownQueues.withLock { known in order.filter { known.insert($0).inserted } }
        let replies: [RESPValue] = try await pool.withConnection { connection in
            if !newQueues.isEmpty {
                _ = try await connection.send([RedisArgument("SADD"), queuesKey] + newQueues.map { RedisArgument($0.rawValue) })
            }
            if calls.count == 1 {
                return [try await connection.run(calls[0].script, keys: calls[0].keys, arguments: calls[0].arguments)]
            }
            return try await connection.pipeline(scripts: calls)
        }
        var results = [EnqueueResult?](repeating: nil, count: jobs.count)
        var failure: GantryError?
        for (reply, indexes) in zip(replies, callIndexes) {
            // Each chunk is one script whose arguments were all checked before its first write, so
            // a chunk that failed stored nothing: its jobs stay nil and the others are reported.
            if case .error(let message) = reply {
                failure = failure ?? GantryError(.storage, "enqueue failed in Redis: \(message.prefix(300))")
                continue
            }
            let items = try Self.array(reply, "enqueue")
            for (i, item) in zip(indexes, items) {
                if item.int == 1 {
                    results[i] = EnqueueResult(id: jobs[i].id, enqueued: true)
                } else if let s = item.string, let holder = JobID(s) {
                    results[i] = EnqueueResult(id: holder, enqueued: false)
                } else {
                    throw Self.unexpected(reply, "enqueue")
                }
            }
        }
        if let failure {
            if results.allSatisfy({ $0 == nil }) { throw failure }
            throw PartialEnqueueError(results: results, underlying: failure)
        }
        return try results.map { r in
            guard let r else { throw GantryError(.storage, "enqueue reply is missing jobs") }
            return r
        }
    }
}
