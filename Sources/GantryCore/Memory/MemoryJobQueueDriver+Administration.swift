import Synchronization

/// `JobQueueAdministration`: cancel, revive dead jobs, purge the dead letter.
extension MemoryJobQueueDriver {
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
}
