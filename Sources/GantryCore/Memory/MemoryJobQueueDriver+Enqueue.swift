import Synchronization

/// Enqueue, checked and encoded as the Redis driver does, all jobs before any is stored.
extension MemoryJobQueueDriver {
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
}
