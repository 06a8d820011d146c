import Synchronization

/// `JobQueueMaintenance`: promotion of due jobs and reclaim of lapsed leases.
extension MemoryJobQueueDriver {
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
}
