import GantryCore
import GantryRedis
import Logging
import Synchronization

/// The hot path's lease side: lease, wait for work without polling, heartbeats and progress, all fenced by the lease token.
extension RedisJobQueueDriver {
    public func lease(queue: QueueName, consumer: String, max: Int, leaseMs: Int64) async throws -> [LeasedJob] {
        let token = LeaseToken.make(consumer: consumer)
        let reply = try await pool.run(
            QueueScripts.lease, keys: [prefix(queue)],
            arguments: [RedisArgument(token.rawValue), RedisArgument(max), RedisArgument(leaseMs)])
        let items = try Self.array(reply, "lease")
        guard let deadline = items.first?.int else { throw Self.unexpected(reply, "lease") }
        guard items.count == 3, let ids = items[1].array, let prior = items[2].array else {
            if items.count == 1 { return [] }
            throw Self.unexpected(reply, "lease")
        }
        // The bodies, read outside the script (see `QueueScripts.lease`): the leases hold the jobs.
        let bodies = try await pool.send([RedisArgument("MGET")] + ids.map { key(queue, "job:" + ($0.string ?? "")) })
        guard let bodyItems = bodies.array, bodyItems.count == ids.count else { throw Self.unexpected(bodies, "lease") }
        var jobs: [LeasedJob] = []
        jobs.reserveCapacity(ids.count)
        var corrupt: [JobFailure] = []
        var vanished: [Lease] = []
        for (i, item) in ids.enumerated() {
            let idText = item.string ?? ""
            let attempt = (i < prior.count ? prior[i].int ?? 0 : 0) + 1
            guard let body = bodyItems[i].bytes else {
                // Purged between its lease and this read: nothing is left to run.
                if let id = JobID(idText) { vanished.append(Lease(id: id, token: token)) }
                continue
            }
            do {
                var envelope = try JobEnvelope.decode(body)
                guard envelope.id.description == idText, envelope.queue == queue else {
                    throw GantryError(.corruptJob, "job body belongs to job \(envelope.id) in queue \(envelope.queue)")
                }
                envelope.attempt = attempt
                jobs.append(LeasedJob(envelope: envelope, token: token, leaseDeadlineMs: Int64(deadline)))
            } catch {
                // Never handed to a caller, never dropped: it goes to the dead letter with the reason.
                guard let id = JobID(idText) else { continue }
                logger.error("corrupt job body sent to the dead letter", metadata: ["job": "\(id)", "queue": "\(queue)", "error": "\(error)"])
                corrupt.append(JobFailure(lease: Lease(id: id, token: token), error: "corrupt job body: \(error)", retryDelayMs: nil))
            }
        }
        if !vanished.isEmpty {
            // Releasing a job whose record is gone only drops its lease. If this fails, the
            // leases lapse and reclaim drops them the same way.
            _ = try? await release(queue: queue, leases: vanished)
        }
        if !corrupt.isEmpty {
            // Not thrown: the valid jobs of this lease are already ours and must be run. A corrupt body
            // whose dead-lettering failed has its lease lapse and is found corrupt again.
            do {
                _ = try await fail(queue: queue, failures: corrupt)
            } catch {
                logger.error("could not dead-letter corrupt job bodies", metadata: ["queue": "\(queue)", "error": "\(error)"])
            }
        }
        return jobs
    }

    public func waitForWork(queues: [QueueName], timeoutMs: Int64) async throws -> Bool {
        guard !queues.isEmpty else { return false }
        // BLPOP on every queue's wake-up list: the enqueue, promote and reclaim scripts push a
        // token there, so an idle worker wakes within a round trip of new work, with no polling.
        var args: [RedisArgument] = ["BLPOP"]
        args += queues.map { key($0, "wake") }
        args.append(RedisArgument(String(Double(max(timeoutMs, 1)) / 1000)))
        let reply = try await pool.withConnection { connection in
            try await connection.send(args, timeout: .milliseconds(timeoutMs) + connection.configuration.commandTimeout)
        }
        return !reply.isNull
    }

    public func extendLeases(queue: QueueName, leases: [Lease], leaseMs: Int64) async throws -> LeaseExtension {
        guard !leases.isEmpty else { return LeaseExtension() }
        let reply = try await pool.run(
            QueueScripts.extend, keys: [prefix(queue)], arguments: [RedisArgument(leaseMs)] + Self.pairs(leases))
        let items = try Self.array(reply, "extend")
        guard items.count == leases.count else { throw Self.unexpected(reply, "extend") }
        var result = LeaseExtension()
        for (lease, item) in zip(leases, items) {
            switch item.int {
            case 1: result.extended.append(lease)
            case 2:
                result.extended.append(lease)
                result.cancelRequested.append(lease)
            default: result.lost.append(lease)
            }
        }
        return result
    }

    public func setProgress(queue: QueueName, lease: Lease, percent: Int, message: String?) async throws {
        let id = lease.id
        let reply = try await pool.run(
            QueueScripts.progress, keys: [prefix(queue)],
            arguments: [
                RedisArgument(id.description), RedisArgument(lease.token.rawValue), RedisArgument(min(100, max(0, percent))),
                RedisArgument(message ?? ""),
            ])
        switch reply.int {
        case 1: return
        case -1: throw GantryError(.leaseLost, "progress from a lease that is no longer held", jobID: id, queue: queue)
        default: throw GantryError(.notFound, "no such job", jobID: id, queue: queue)
        }
    }
}
