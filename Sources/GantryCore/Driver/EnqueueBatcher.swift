import Synchronization

/// Coalesces concurrent single enqueues into batched driver calls (as ioredis' auto-pipelining
/// does): the first job goes at once, in a batch of one; jobs that arrive while a batch is in
/// flight wait for it and then go together, in one script call. An idle producer therefore pays no
/// added latency, and a busy one (an API serving many clients) pays one Redis round trip per
/// batch instead of one per job.
final class EnqueueBatcher: Sendable {
    typealias Waiter = CheckedContinuation<EnqueueResult, any Error>

    private struct State {
        var pending: [(job: JobEnvelope, waiter: Waiter)] = []
        var inFlight = 0
    }

    private let driver: any JobQueueDriver
    private let state = Mutex(State())
    /// Batches in flight at once: more than one keeps several pooled connections busy.
    private let maxInFlight: Int
    /// The most jobs in one batch (one driver call).
    private let maxBatch: Int

    init(driver: any JobQueueDriver, maxInFlight: Int = 4, maxBatch: Int = 1_000) {
        self.driver = driver
        self.maxInFlight = max(1, maxInFlight)
        self.maxBatch = max(1, maxBatch)
    }

    func enqueue(_ job: JobEnvelope) async throws -> EnqueueResult {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            let batch: [(job: JobEnvelope, waiter: Waiter)]? = state.withLock { s in
                s.pending.append((job, waiter))
                return takeBatch(&s)
            }
            if let batch { send(batch) }
        }
    }

    /// The next batch to send, when a flight is free; the caller holds the lock.
    private func takeBatch(_ s: inout State) -> [(job: JobEnvelope, waiter: Waiter)]? {
        guard s.inFlight < maxInFlight, !s.pending.isEmpty else { return nil }
        s.inFlight += 1
        let n = min(maxBatch, s.pending.count)
        let batch = Array(s.pending.prefix(n))
        s.pending.removeFirst(n)
        return batch
    }

    private func send(_ batch: [(job: JobEnvelope, waiter: Waiter)]) {
        Task {
            do {
                let results = try await driver.enqueue(batch.map(\.job))
                for (item, result) in zip(batch, results) { item.waiter.resume(returning: result) }
            } catch let partial as PartialEnqueueError {
                // Each job learns its own fate: taken, or the error that kept it out.
                for (item, result) in zip(batch, partial.results) {
                    if let result { item.waiter.resume(returning: result) } else { item.waiter.resume(throwing: partial.underlying) }
                }
            } catch where batch.count > 1 {
                // One job's refusal (too large, say) must not fail the others it was coalesced with:
                // each goes again alone and gets its own answer.
                for item in batch {
                    do {
                        item.waiter.resume(returning: try await driver.enqueue([item.job])[0])
                    } catch {
                        item.waiter.resume(throwing: error)
                    }
                }
            } catch {
                for item in batch { item.waiter.resume(throwing: error) }
            }
            let next = state.withLock { s in
                s.inFlight -= 1
                return takeBatch(&s)
            }
            if let next { send(next) }
        }
    }
}
