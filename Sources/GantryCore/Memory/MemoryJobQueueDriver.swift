import Synchronization

/// An in-process driver with the same semantics as the Redis one, for tests of workers, retries
/// and shutdown with no server. Not durable and not shared between processes.
public final class MemoryJobQueueDriver: JobQueueBackend, QueueListing {
    public struct Configuration: Sendable {
        public var maxEncodedBytes = JobEnvelope.defaultMaxEncodedBytes
        /// How long a completed or cancelled job stays readable.
        public var completedRetentionMs: Int64 = 5 * 60 * 1000
        public var eventsKept = 10_000
        public var deadLetter = DeadLetterRetention.default
        public var leaseLapses = LeaseLapsePolicy()
        public init() {}
    }

    struct Record {
        var body: [UInt8]
        var priority: Int
        var state: JobState
        var attempt = 0
        /// Lease lapses so far (see `LeaseLapsePolicy`).
        var lapses = 0
        var maxAttempts: Int
        /// The fencing token of the lease that holds it.
        var owner: LeaseToken?
        var lastError: String?
        var progress: Int?
        var progressMessage: String?
        var cancelRequested = false
        var updatedAtMs: Int64
        var readyAtMs: Int64
        var expiresAtMs: Int64?
    }

    struct Queue {
        var ready: [Int: [JobID]] = [:]
        var leased: [JobID: Int64] = [:]
        var delayed: [JobID: Int64] = [:]
        var dead: [JobID: Int64] = [:]
        var unique: [String: (id: JobID, expiresAtMs: Int64)] = [:]
        var processed = 0, failed = 0, retried = 0, reclaimed = 0
        var events: [JobEvent] = []
        var eventSeq = 0
    }

    struct State {
        var jobs: [JobID: Record] = [:]
        var queues: [QueueName: Queue] = [:]
        var waiters: [Int: (queues: Set<QueueName>, continuation: CheckedContinuation<Bool, Never>)] = [:]
        var nextWaiter = 0
        /// Waits whose timeout fired before they registered: they must not register after.
        var expiredWaiters: Set<Int> = []
    }

    private let state = Mutex(State())
    private let configuration: Configuration
    private let now: @Sendable () -> Int64

    public init(configuration: Configuration = Configuration(), now: @escaping @Sendable () -> Int64 = { WallClock.nowMs() }) {
        self.configuration = configuration
        self.now = now
    }

    public func enqueue(_ jobs: [JobEnvelope]) async throws -> [EnqueueResult] {
        let bodies = try jobs.map { envelope throws(GantryError) in
            try envelope.validateOptions()
            return try envelope.encoded(maxBytes: configuration.maxEncodedBytes)
        }
        let t = now()
        let (results, wake) = state.withLock { s -> ([EnqueueResult], [CheckedContinuation<Bool, Never>]) in
            var results: [EnqueueResult] = []
            var touched: Set<QueueName> = []
            for (envelope, body) in zip(jobs, bodies) {
                // Stored already (a retried enqueue, or the same ID twice in one call): nothing again.
                if s.jobs[envelope.id] != nil {
                    results.append(EnqueueResult(id: envelope.id, enqueued: true))
                    continue
                }
                var q = s.queues[envelope.queue, default: Queue()]
                if let key = envelope.uniqueKey {
                    if let held = q.unique[key], held.expiresAtMs > t {
                        results.append(EnqueueResult(id: held.id, enqueued: false))
                        continue
                    }
                    q.unique[key] = (envelope.id, t + (envelope.uniqueForMs ?? 0))
                }
                var record = Record(
                    body: body, priority: envelope.priority, state: .ready, maxAttempts: envelope.maxAttempts,
                    updatedAtMs: t, readyAtMs: t)
                if envelope.runAtMs > t {
                    record.state = .delayed
                    q.delayed[envelope.id] = envelope.runAtMs
                } else {
                    q.ready[envelope.priority, default: []].append(envelope.id)
                    touched.insert(envelope.queue)
                }
                s.jobs[envelope.id] = record
                Self.event(&q, .enqueued, [envelope.id], t, keep: configuration.eventsKept)
                s.queues[envelope.queue] = q
                results.append(EnqueueResult(id: envelope.id, enqueued: true))
            }
            return (results, Self.takeWaiters(&s, for: touched))
        }
        for c in wake { c.resume(returning: true) }
        return results
    }

    public func lease(queue: QueueName, consumer: String, max: Int, leaseMs: Int64) async throws -> [LeasedJob] {
        let t = now()
        let deadline = WallClock.adding(leaseMs, to: t)
        let token = LeaseToken.make(consumer: consumer)
        return state.withLock { s in
            guard var q = s.queues[queue] else { return [] }
            var leased: [LeasedJob] = []
            var ids: [JobID] = []
            for priority in JobEnvelope.priorities.reversed() where leased.count < max {
                while leased.count < max, var list = q.ready[priority], !list.isEmpty {
                    let id = list.removeFirst()
                    q.ready[priority] = list
                    guard var record = s.jobs[id] else { continue }
                    guard var envelope = try? JobEnvelope.decode(record.body) else {
                        record.state = .dead
                        record.lastError = "corrupt job body: not a valid envelope"
                        record.updatedAtMs = t
                        s.jobs[id] = record
                        q.dead[id] = t
                        q.failed += 1
                        Self.event(&q, .dead, [id], t, keep: configuration.eventsKept)
                        continue
                    }
                    record.attempt += 1
                    record.state = .leased
                    record.owner = token
                    record.updatedAtMs = t
                    s.jobs[id] = record
                    q.leased[id] = deadline
                    envelope.attempt = record.attempt
                    leased.append(LeasedJob(envelope: envelope, token: token, leaseDeadlineMs: deadline))
                    ids.append(id)
                }
            }
            if !ids.isEmpty { Self.event(&q, .leased, ids, t, keep: configuration.eventsKept) }
            s.queues[queue] = q
            return leased
        }
    }

    public func waitForWork(queues: [QueueName], timeoutMs: Int64) async throws -> Bool {
        let wanted = Set(queues)
        let key = state.withLock { s in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        let woken = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { c in
                    // Checked under the same lock that enqueue takes, so no wake-up slips between.
                    let ready = self.state.withLock { s in
                        if s.expiredWaiters.remove(key) != nil { return Bool?.some(false) }
                        let hasWork = wanted.contains { name in
                            s.queues[name]?.ready.values.contains { !$0.isEmpty } ?? false
                        }
                        if !hasWork { s.waiters[key] = (wanted, c) }
                        return hasWork ? true : nil
                    }
                    if let ready { c.resume(returning: ready) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(timeoutMs))
                let c = self.state.withLock { s in
                    let c = s.waiters.removeValue(forKey: key)?.continuation
                    if c == nil { s.expiredWaiters.insert(key) }
                    return c
                }
                c?.resume(returning: false)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        // Both children have finished here; whichever lost may have left a mark behind.
        _ = state.withLock { s in s.expiredWaiters.remove(key) }
        return woken
    }

    public func extendLeases(queue: QueueName, leases: [Lease], leaseMs: Int64) async throws -> LeaseExtension {
        let t = now()
        return state.withLock { s in
            var result = LeaseExtension()
            for lease in leases {
                let id = lease.id
                guard var record = s.jobs[id], record.state == .leased, record.owner == lease.token else {
                    result.lost.append(lease)
                    continue
                }
                s.queues[queue]?.leased[id] = WallClock.adding(leaseMs, to: t)
                record.updatedAtMs = t
                s.jobs[id] = record
                result.extended.append(lease)
                if record.cancelRequested { result.cancelRequested.append(lease) }
            }
            return result
        }
    }

    public func ack(queue: QueueName, leases: [Lease]) async throws -> Int {
        let t = now()
        return state.withLock { s in
            var q = s.queues[queue, default: Queue()]
            var done: [JobID] = []
            for lease in leases {
                let id = lease.id
                guard var record = s.jobs[id], record.state == .leased, record.owner == lease.token else { continue }
                q.leased[id] = nil
                record.owner = nil
                record.cancelRequested = false
                record.state = .completed
                record.updatedAtMs = t
                record.expiresAtMs = t + configuration.completedRetentionMs
                s.jobs[id] = record
                done.append(id)
            }
            q.processed += done.count
            if !done.isEmpty { Self.event(&q, .acked, done, t, keep: configuration.eventsKept) }
            s.queues[queue] = q
            return done.count
        }
    }

    public func fail(queue: QueueName, failures: [JobFailure]) async throws -> [FailOutcome] {
        let t = now()
        return state.withLock { s in
            var q = s.queues[queue, default: Queue()]
            var outcomes: [FailOutcome] = []
            for failure in failures {
                guard var record = s.jobs[failure.id], record.state == .leased, record.owner == failure.lease.token else {
                    outcomes.append(.stale(failure.id))
                    continue
                }
                q.leased[failure.id] = nil
                record.lastError = failure.error
                record.owner = nil
                record.updatedAtMs = t
                if record.cancelRequested {
                    cancelled(&record, id: failure.id, queue: &q, at: t)
                    outcomes.append(.cancelled(failure.id))
                } else if let delay = failure.retryDelayMs, record.attempt < record.maxAttempts {
                    q.failed += 1
                    let runAt = WallClock.adding(max(0, delay), to: t)
                    record.state = .delayed
                    q.delayed[failure.id] = runAt
                    q.retried += 1
                    outcomes.append(.retrying(failure.id, runAtMs: runAt))
                    Self.event(&q, .retrying, [failure.id], t, keep: configuration.eventsKept)
                } else {
                    q.failed += 1
                    toDead(&record, id: failure.id, queue: &q, jobs: &s.jobs, at: t)
                    outcomes.append(.dead(failure.id))
                }
                s.jobs[failure.id] = record
            }
            s.queues[queue] = q
            return outcomes
        }
    }

    /// A job whose cancellation was asked for, ending now whichever way its run ended.
    private func cancelled(_ record: inout Record, id: JobID, queue q: inout Queue, at t: Int64) {
        record.state = .cancelled
        record.cancelRequested = false
        record.expiresAtMs = t + configuration.completedRetentionMs
        Self.event(&q, .cancelled, [id], t, keep: configuration.eventsKept)
    }

    /// Into the dead letter, trimming it to its retention (the oldest first).
    private func toDead(_ record: inout Record, id: JobID, queue q: inout Queue, jobs: inout [JobID: Record], at t: Int64) {
        record.state = .dead
        q.dead[id] = t
        Self.event(&q, .dead, [id], t, keep: configuration.eventsKept)
        let retention = configuration.deadLetter
        var expired = q.dead.filter { $0.value <= t - retention.maxAgeMs }.map(\.key)
        let excess = q.dead.count - expired.count - retention.maxJobs
        if excess > 0 {
            let keep = Set(expired)
            expired += q.dead.filter { !keep.contains($0.key) }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
                .prefix(excess).map(\.key)
        }
        for old in expired {
            q.dead[old] = nil
            jobs[old] = nil
        }
    }

    public func release(queue: QueueName, leases: [Lease]) async throws -> Int {
        let t = now()
        let (count, wake) = state.withLock { s -> (Int, [CheckedContinuation<Bool, Never>]) in
            var q = s.queues[queue, default: Queue()]
            var released: [JobID] = []
            var cancelledCount = 0
            for lease in leases.reversed() {
                let id = lease.id
                guard var record = s.jobs[id], record.state == .leased, record.owner == lease.token else { continue }
                q.leased[id] = nil
                if record.cancelRequested {
                    record.owner = nil
                    record.updatedAtMs = t
                    cancelled(&record, id: id, queue: &q, at: t)
                    s.jobs[id] = record
                    cancelledCount += 1
                    continue
                }
                record.state = .ready
                record.attempt = max(0, record.attempt - 1)
                record.owner = nil
                record.updatedAtMs = t
                record.readyAtMs = t
                s.jobs[id] = record
                q.ready[record.priority, default: []].insert(id, at: 0)
                released.append(id)
            }
            if !released.isEmpty { Self.event(&q, .released, released, t, keep: configuration.eventsKept) }
            s.queues[queue] = q
            return (released.count + cancelledCount, released.isEmpty ? [] : Self.takeWaiters(&s, for: [queue]))
        }
        for c in wake { c.resume(returning: true) }
        return count
    }

    public func promoteDue(queue: QueueName, limit: Int) async throws -> Int {
        let t = now()
        let (count, wake) = state.withLock { s -> (Int, [CheckedContinuation<Bool, Never>]) in
            guard var q = s.queues[queue] else { return (0, []) }
            let due = q.delayed.filter { $0.value <= t }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.prefix(limit)
            for (id, _) in due {
                q.delayed[id] = nil
                guard var record = s.jobs[id] else { continue }
                record.state = .ready
                record.readyAtMs = t
                record.updatedAtMs = t
                s.jobs[id] = record
                q.ready[record.priority, default: []].append(id)
            }
            if !due.isEmpty { Self.event(&q, .promoted, due.map(\.key), t, keep: configuration.eventsKept) }
            s.queues[queue] = q
            return (due.count, due.isEmpty ? [] : Self.takeWaiters(&s, for: [queue]))
        }
        for c in wake { c.resume(returning: true) }
        return count
    }

    public func reclaimExpired(queue: QueueName, limit: Int) async throws -> ReclaimResult {
        let t = now()
        let (result, wake) = state.withLock { s -> (ReclaimResult, [CheckedContinuation<Bool, Never>]) in
            guard var q = s.queues[queue] else { return (ReclaimResult(), []) }
            let expired = q.leased.filter { $0.value <= t }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.prefix(limit)
            var result = ReclaimResult()
            var requeued: [JobID] = []
            for (id, _) in expired {
                q.leased[id] = nil
                guard var record = s.jobs[id] else { continue }
                record.owner = nil
                record.updatedAtMs = t
                q.reclaimed += 1
                record.lapses += 1
                if record.cancelRequested {
                    cancelled(&record, id: id, queue: &q, at: t)
                    result.cancelled += 1
                } else if record.lapses <= configuration.leaseLapses.freeLapses {
                    // A free lapse: the run may never have started (its worker cut off), so the
                    // attempt is given back.
                    record.attempt = max(0, record.attempt - 1)
                    record.state = .ready
                    record.readyAtMs = t
                    q.ready[record.priority, default: []].insert(id, at: 0)
                    requeued.append(id)
                } else if record.attempt >= record.maxAttempts {
                    record.lastError = "lease expired on the last attempt (\(record.attempt) of \(record.maxAttempts)), after \(record.lapses) lapsed leases: the worker stopped responding"
                    q.failed += 1
                    toDead(&record, id: id, queue: &q, jobs: &s.jobs, at: t)
                    result.dead += 1
                } else {
                    record.state = .ready
                    record.readyAtMs = t
                    q.ready[record.priority, default: []].insert(id, at: 0)
                    requeued.append(id)
                }
                s.jobs[id] = record
            }
            result.requeued = requeued.count
            if !requeued.isEmpty { Self.event(&q, .reclaimed, requeued, t, keep: configuration.eventsKept) }
            s.queues[queue] = q
            return (result, requeued.isEmpty ? [] : Self.takeWaiters(&s, for: [queue]))
        }
        for c in wake { c.resume(returning: true) }
        return result
    }

    public func cancel(queue: QueueName, id: JobID) async throws -> CancelOutcome {
        let t = now()
        return state.withLock { s in
            guard var record = s.jobs[id], var q = s.queues[queue] else { return .notFound }
            let outcome: CancelOutcome
            switch record.state {
            case .ready:
                q.ready[record.priority]?.removeAll { $0 == id }
                outcome = .cancelled
            case .delayed:
                q.delayed[id] = nil
                outcome = .cancelled
            case .leased:
                record.cancelRequested = true
                outcome = .cancelRequested
            case .completed, .dead, .cancelled:
                return .alreadyFinished
            }
            if outcome == .cancelled {
                record.state = .cancelled
                record.expiresAtMs = t + configuration.completedRetentionMs
            }
            record.updatedAtMs = t
            s.jobs[id] = record
            Self.event(&q, outcome == .cancelled ? .cancelled : .cancelRequested, [id], t, keep: configuration.eventsKept)
            s.queues[queue] = q
            return outcome
        }
    }

    public func retryDead(queue: QueueName, ids: [JobID]?) async throws -> Int {
        let t = now()
        let (count, wake) = state.withLock { s -> (Int, [CheckedContinuation<Bool, Never>]) in
            guard var q = s.queues[queue] else { return (0, []) }
            let chosen = (ids ?? q.dead.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)).filter { q.dead[$0] != nil }
            for id in chosen {
                q.dead[id] = nil
                guard var record = s.jobs[id] else { continue }
                record.state = .ready
                record.attempt = 0
                record.lapses = 0
                record.readyAtMs = t
                record.updatedAtMs = t
                s.jobs[id] = record
                q.ready[record.priority, default: []].append(id)
            }
            if !chosen.isEmpty { Self.event(&q, .revived, chosen, t, keep: configuration.eventsKept) }
            s.queues[queue] = q
            return (chosen.count, chosen.isEmpty ? [] : Self.takeWaiters(&s, for: [queue]))
        }
        for c in wake { c.resume(returning: true) }
        return count
    }

    public func purgeDead(queue: QueueName, olderThanMs: Int64) async throws -> Int {
        let cutoff = now() - olderThanMs
        return state.withLock { s in
            guard var q = s.queues[queue] else { return 0 }
            let old = q.dead.filter { $0.value <= cutoff }.map(\.key)
            for id in old {
                q.dead[id] = nil
                s.jobs[id] = nil
            }
            s.queues[queue] = q
            return old.count
        }
    }

    public func setProgress(queue: QueueName, lease: Lease, percent: Int, message: String?) async throws {
        let t = now()
        let id = lease.id
        try state.withLock { s throws(GantryError) in
            guard var record = s.jobs[id] else {
                throw GantryError(.notFound, "no such job", jobID: id, queue: queue)
            }
            guard record.state == .leased, record.owner == lease.token else {
                throw GantryError(.leaseLost, "progress from a lease that is no longer held", jobID: id, queue: queue)
            }
            record.progress = min(100, max(0, percent))
            record.progressMessage = message
            record.updatedAtMs = t
            s.jobs[id] = record
        }
    }

    public func job(queue: QueueName, id: JobID) async throws -> JobInfo? {
        let t = now()
        guard let record = state.withLock({ s in s.jobs[id] }) else { return nil }
        if let expires = record.expiresAtMs, expires <= t { return nil }
        var envelope = try JobEnvelope.decode(record.body)
        envelope.attempt = record.attempt
        return JobInfo(
            envelope: envelope, state: record.state, attempt: record.attempt, lastError: record.lastError,
            progress: record.progress, progressMessage: record.progressMessage,
            cancelRequested: record.cancelRequested, updatedAtMs: record.updatedAtMs)
    }

    public func stats(queue: QueueName) async throws -> QueueStats {
        let t = now()
        return state.withLock { s in
            guard let q = s.queues[queue] else { return QueueStats(queue: queue.rawValue) }
            let heads = q.ready.values.compactMap(\.first).compactMap { s.jobs[$0]?.readyAtMs }
            return QueueStats(
                queue: queue.rawValue, ready: q.ready.values.reduce(0) { $0 + $1.count }, leased: q.leased.count,
                delayed: q.delayed.count, dead: q.dead.count, processed: q.processed, failed: q.failed,
                retried: q.retried, reclaimed: q.reclaimed, oldestReadyAgeMs: heads.min().map { max(0, t - $0) })
        }
    }

    public func events(queue: QueueName, after cursor: String?, limit: Int) async throws -> [JobEvent] {
        state.withLock { s in
            let all = s.queues[queue]?.events ?? []
            let after = cursor.flatMap { Int($0) } ?? -1
            return Array(all.filter { (Int($0.cursor) ?? 0) > after }.prefix(limit))
        }
    }

    /// Reads the state under the lock, for extensions in other files (listing).
    func withState<T>(_ body: (State) -> T) -> T { state.withLock { body($0) } }

    public func queueNames() async throws -> [QueueName] {
        state.withLock { s in s.queues.keys.sorted { $0.rawValue < $1.rawValue } }
    }

    private static func event(_ q: inout Queue, _ kind: JobEvent.Kind, _ ids: [JobID], _ t: Int64, keep: Int) {
        q.eventSeq += 1
        q.events.append(JobEvent(cursor: String(q.eventSeq), kind: kind, ids: ids, atMs: t))
        if q.events.count > keep { q.events.removeFirst(q.events.count - keep) }
    }

    private static func takeWaiters(_ s: inout State, for queues: Set<QueueName>) -> [CheckedContinuation<Bool, Never>] {
        guard !queues.isEmpty else { return [] }
        let keys = s.waiters.filter { !$0.value.queues.isDisjoint(with: queues) }.map(\.key)
        return keys.compactMap { s.waiters.removeValue(forKey: $0)?.continuation }
    }
}
