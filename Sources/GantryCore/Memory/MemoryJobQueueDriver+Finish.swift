import Synchronization

/// Settling leased jobs: ack, fail (retry or dead letter) and release, and the two ends a job can reach.
extension MemoryJobQueueDriver {
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

    /// A job whose cancellation was asked for, ending now whichever way its run ended.
    func cancelled(_ record: inout Record, id: JobID, queue q: inout Queue, at t: Int64) {
        record.state = .cancelled
        record.cancelRequested = false
        record.expiresAtMs = t + configuration.completedRetentionMs
        Self.event(&q, .cancelled, [id], t, keep: configuration.eventsKept)
    }

    /// Into the dead letter, trimming it to its retention (the oldest first).
    func toDead(_ record: inout Record, id: JobID, queue q: inout Queue, jobs: inout [JobID: Record], at t: Int64) {
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
}
