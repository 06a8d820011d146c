import Synchronization

/// `JobQueueInspection` and `QueueListing`: reads of one job, a queue's counts and its events.
extension MemoryJobQueueDriver {
    public func job(queue: QueueName, id: JobID) async throws -> JobInfo? {
        let t = now()
        guard let record = state.withLock({ s in s.jobs[id] }) else { return nil }
        if let expires = record.expiresAtMs, expires <= t { return nil }
        var envelope = try JobEnvelope.decode(record.body)
        envelope.attempt = record.attempt
        return JobInfo(
            envelope: envelope, state: record.state, attemptsUsed: record.attempt, lastError: record.lastError,
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

    public func queueNames() async throws -> [QueueName] {
        state.withLock { s in s.queues.keys.sorted { $0.rawValue < $1.rawValue } }
    }
}
