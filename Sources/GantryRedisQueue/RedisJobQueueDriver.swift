import GantryCore
import GantryRedis
import Logging
import Synchronization

/// The production `JobQueueDriver`: jobs live in Redis under `gantry:{queue}:…`, and every
/// transition is one Lua script (see `QueueScripts`). Batches travel in one round trip.
public final class RedisJobQueueDriver: JobQueueBackend, QueueListing {
    public struct Configuration: Sendable {
        /// First part of every key; the queue name follows in braces as the cluster hash tag.
        public var keyPrefix = "gantry"
        public var maxEncodedBytes = JobEnvelope.defaultMaxEncodedBytes
        /// How long a completed or cancelled job stays readable (`gantry jobs show`); 0 deletes
        /// it at ack. Results that matter live in PostgreSQL, so this only bounds Redis memory.
        public var completedRetentionMs: Int64 = 5 * 60 * 1000
        /// Jobs per script call in a bulk enqueue: bounds how long one script holds Redis.
        public var enqueueChunk = 1000
        /// How many dead jobs are kept, and for how long (`GANTRY_DEAD_MAX_JOBS`, `GANTRY_DEAD_MAX_AGE`).
        public var deadLetter = DeadLetterRetention.default
        public var leaseLapses = LeaseLapsePolicy()
        public init() {}
    }

    public let pool: RedisConnectionPool
    public let configuration: Configuration
    private let logger: Logger
    /// Queues this process has already recorded in the `gantry:queues` set.
    private let knownQueues = Mutex<Set<QueueName>>([])

    public init(pool: RedisConnectionPool, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "gantry.queue")) {
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
    }

    /// `gantry:{queue}:` — the one key every script is given; it fixes the cluster slot.
    func prefix(_ queue: QueueName) -> RedisArgument { RedisArgument("\(configuration.keyPrefix):{\(queue.rawValue)}:") }
    func key(_ queue: QueueName, _ suffix: String) -> RedisArgument {
        RedisArgument("\(configuration.keyPrefix):{\(queue.rawValue)}:\(suffix)")
    }
    /// The set of queue names ever used, for `gantry queues` and dashboards.
    var queuesKey: RedisArgument { RedisArgument("\(configuration.keyPrefix):queues") }

    // MARK: Enqueue

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
                args.reserveCapacity(1 + chunk.count * 6)
                for i in chunk {
                    let job = jobs[i]
                    args.append(RedisArgument(job.id.description))
                    args.append(RedisArgument(job.priority))
                    args.append(RedisArgument(job.runAtMs))
                    args.append(RedisArgument(job.uniqueKey ?? ""))
                    args.append(RedisArgument(job.uniqueForMs ?? 0))
                    args.append(RedisArgument(bodies[i]))
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

    // MARK: Lease

    public func lease(queue: QueueName, consumer: String, max: Int, leaseMs: Int64) async throws -> [LeasedJob] {
        let token = LeaseToken.make(consumer: consumer)
        let reply = try await pool.run(
            QueueScripts.lease, keys: [prefix(queue)],
            arguments: [RedisArgument(token.rawValue), RedisArgument(max), RedisArgument(leaseMs)])
        let items = try Self.array(reply, "lease")
        guard let deadline = items.first?.int else { throw Self.unexpected(reply, "lease") }
        var jobs: [LeasedJob] = []
        jobs.reserveCapacity((items.count - 1) / 3)
        var corrupt: [JobFailure] = []
        var i = 1
        while i + 2 < items.count {
            let idText = items[i].string ?? ""
            let attempt = items[i + 1].int ?? 0
            let body = items[i + 2].bytes ?? []
            i += 3
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

    // MARK: Finish

    public func ack(queue: QueueName, leases: [Lease]) async throws -> Int {
        guard !leases.isEmpty else { return 0 }
        let reply = try await pool.run(
            QueueScripts.ack, keys: [prefix(queue)],
            arguments: [RedisArgument(configuration.completedRetentionMs)] + Self.pairs(leases))
        guard let n = reply.int else { throw Self.unexpected(reply, "ack") }
        return n
    }

    public func fail(queue: QueueName, failures: [JobFailure]) async throws -> [FailOutcome] {
        guard !failures.isEmpty else { return [] }
        var args: [RedisArgument] = [
            RedisArgument(max(1, configuration.completedRetentionMs)), RedisArgument(configuration.deadLetter.maxJobs),
            RedisArgument(configuration.deadLetter.maxAgeMs),
        ]
        for f in failures {
            args.append(RedisArgument(f.id.description))
            args.append(RedisArgument(f.lease.token.rawValue))
            // A retry runs no later than the latest time a job may be scheduled, so the script's
            // `now + delay` stays an exact integer in Lua's doubles.
            args.append(RedisArgument(f.retryDelayMs.map { min(max(0, $0), JobEnvelope.maxDelayMs) } ?? -1))
            args.append(RedisArgument(f.error))
        }
        let reply = try await pool.run(QueueScripts.fail, keys: [prefix(queue)], arguments: args)
        let items = try Self.array(reply, "fail")
        guard items.count == failures.count else { throw Self.unexpected(reply, "fail") }
        return zip(failures, items).map { f, item in
            if let runAt = item.int { return .retrying(f.id, runAtMs: Int64(runAt)) }
            switch item.string {
            case "dead": return .dead(f.id)
            case "cancelled": return .cancelled(f.id)
            default: return .stale(f.id)
            }
        }
    }

    public func release(queue: QueueName, leases: [Lease]) async throws -> Int {
        guard !leases.isEmpty else { return 0 }
        let reply = try await pool.run(
            QueueScripts.release, keys: [prefix(queue)],
            arguments: [RedisArgument(max(1, configuration.completedRetentionMs))] + Self.pairs(leases))
        guard let n = reply.int else { throw Self.unexpected(reply, "release") }
        return n
    }

    // MARK: Maintenance

    public func promoteDue(queue: QueueName, limit: Int) async throws -> Int {
        let reply = try await pool.run(QueueScripts.promote, keys: [prefix(queue)], arguments: [RedisArgument(limit)])
        guard let n = reply.int else { throw Self.unexpected(reply, "promote") }
        return n
    }

    public func reclaimExpired(queue: QueueName, limit: Int) async throws -> ReclaimResult {
        let reply = try await pool.run(
            QueueScripts.reclaim, keys: [prefix(queue)],
            arguments: [
                RedisArgument(limit), RedisArgument(max(1, configuration.completedRetentionMs)),
                RedisArgument(configuration.deadLetter.maxJobs), RedisArgument(configuration.deadLetter.maxAgeMs),
                RedisArgument(configuration.leaseLapses.freeLapses),
            ])
        let items = try Self.array(reply, "reclaim")
        guard items.count == 3, let back = items[0].int, let dead = items[1].int, let cancelled = items[2].int else {
            throw Self.unexpected(reply, "reclaim")
        }
        return ReclaimResult(requeued: back, dead: dead, cancelled: cancelled)
    }

    public func cancel(queue: QueueName, id: JobID) async throws -> CancelOutcome {
        let reply = try await pool.run(
            QueueScripts.cancel, keys: [prefix(queue)],
            arguments: [RedisArgument(id.description), RedisArgument(max(1, configuration.completedRetentionMs))])
        guard let outcome = reply.string.flatMap(CancelOutcome.init(rawValue:)) else { throw Self.unexpected(reply, "cancel") }
        return outcome
    }

    public func retryDead(queue: QueueName, ids: [JobID]?) async throws -> Int {
        if let ids {
            guard !ids.isEmpty else { return 0 }
            var total = 0
            for start in stride(from: 0, to: ids.count, by: 1000) {
                let chunk = ids[start..<min(start + 1000, ids.count)]
                let reply = try await pool.run(
                    QueueScripts.retryDead, keys: [prefix(queue)],
                    arguments: [RedisArgument(chunk.count)] + chunk.map { RedisArgument($0.description) })
                total += reply.int ?? 0
            }
            return total
        }
        // All: in chunks, so one script never holds Redis for long.
        var total = 0
        while true {
            let reply = try await pool.run(QueueScripts.retryDead, keys: [prefix(queue)], arguments: [RedisArgument(1000)])
            guard let n = reply.int else { throw Self.unexpected(reply, "retryDead") }
            total += n
            if n < 1000 { return total }
        }
    }

    public func purgeDead(queue: QueueName, olderThanMs: Int64) async throws -> Int {
        var total = 0
        while true {
            let reply = try await pool.run(
                QueueScripts.purgeDead, keys: [prefix(queue)], arguments: [RedisArgument(olderThanMs), RedisArgument(1000)])
            guard let n = reply.int else { throw Self.unexpected(reply, "purgeDead") }
            total += n
            if n < 1000 { return total }
        }
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

    // MARK: Reads

    public func job(queue: QueueName, id: JobID) async throws -> JobInfo? {
        let reply = try await pool.run(QueueScripts.job, keys: [prefix(queue)], arguments: [RedisArgument(id.description)])
        if reply.isNull { return nil }
        let f = try Self.array(reply, "job")
        guard f.count == 8, let state = f[0].string.flatMap(JobState.init(rawValue:)), let attempt = f[1].int,
            let body = f[2].bytes
        else { throw Self.unexpected(reply, "job") }
        var envelope: JobEnvelope
        do {
            envelope = try JobEnvelope.decode(body)
        } catch {
            var e = error
            e.jobID = id
            e.queue = queue
            throw e
        }
        envelope.attempt = attempt
        func text(_ v: RESPValue) -> String? { v.string.flatMap { $0.isEmpty ? nil : $0 } }
        return JobInfo(
            envelope: envelope, state: state, attempt: attempt, lastError: text(f[3]),
            progress: text(f[4]).flatMap { Int($0) }, progressMessage: text(f[5]),
            cancelRequested: f[6].int == 1, updatedAtMs: text(f[7]).flatMap { Int64($0) })
    }

    public func stats(queue: QueueName) async throws -> QueueStats {
        let reply = try await pool.run(QueueScripts.stats, keys: [prefix(queue)], arguments: [])
        let v = try Self.array(reply, "stats").map { $0.int ?? 0 }
        guard v.count == 10 else { throw Self.unexpected(reply, "stats") }
        return QueueStats(
            queue: queue.rawValue, ready: v[1], leased: v[2], delayed: v[3], dead: v[4], processed: v[5], failed: v[6],
            retried: v[7], reclaimed: v[8], oldestReadyAgeMs: v[9] < 0 ? nil : Int64(max(0, v[0] - v[9])))
    }

    /// Every queue name ever enqueued to, sorted.
    public func queueNames() async throws -> [QueueName] {
        let reply = try await pool.send(["SMEMBERS", queuesKey])
        return try Self.array(reply, "queues").compactMap { $0.string.flatMap { try? QueueName($0) } }.sorted { $0.rawValue < $1.rawValue }
    }

    public func events(queue: QueueName, after cursor: String?, limit: Int) async throws -> [JobEvent] {
        let start = cursor.map { "(\($0)" } ?? "-"
        let reply = try await pool.send(["XRANGE", key(queue, "events"), RedisArgument(start), "+", "COUNT", RedisArgument(limit)])
        return try Self.array(reply, "events").compactMap { entry -> JobEvent? in
            guard let parts = entry.array, parts.count == 2, let id = parts[0].string, let kv = parts[1].array else { return nil }
            var fields: [String: String] = [:]
            for i in stride(from: 0, to: kv.count - 1, by: 2) {
                if let k = kv[i].string { fields[k] = kv[i + 1].string }
            }
            guard let kind = fields["kind"].flatMap(JobEvent.Kind.init(rawValue:)) else { return nil }
            let ids = (fields["ids"] ?? "").split(separator: ",").compactMap { JobID(String($0)) }
            return JobEvent(cursor: id, kind: kind, ids: ids, atMs: Int64(fields["at"] ?? "") ?? 0)
        }
    }

    // MARK: Arguments and replies

    /// `id, token, id, token, …`: how the scripts take the leases they settle.
    static func pairs(_ leases: [Lease]) -> [RedisArgument] {
        var args: [RedisArgument] = []
        args.reserveCapacity(leases.count * 2)
        for lease in leases {
            args.append(RedisArgument(lease.id.description))
            args.append(RedisArgument(lease.token.rawValue))
        }
        return args
    }

    static func array(_ reply: RESPValue, _ operation: String) throws -> [RESPValue] {
        guard let items = reply.array else { throw unexpected(reply, operation) }
        return items
    }

    static func unexpected(_ reply: RESPValue, _ operation: String) -> GantryError {
        GantryError(.storage, "unexpected reply to \(operation): \(String(describing: reply).prefix(200))")
    }
}
