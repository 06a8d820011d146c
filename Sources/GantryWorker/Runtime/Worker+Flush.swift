import GantryCore

extension Worker {
    /// Writes finished jobs' history, then acks or fails them, a batch at a time: while one
    /// batch is in flight the next accumulates, so a busy worker makes few round trips per job.
    func flushLoop() async {
        while !Task.isCancelled {
            await waitForUnflushed()
            if Task.isCancelled { return }
            await flushOnce()
        }
    }

    func waitForUnflushed() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s in
                    if !s.unflushed.isEmpty || Task.isCancelled { return true }
                    s.flushWaiter = c
                    return false
                }
                if ready { c.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                defer { s.flushWaiter = nil }
                return s.flushWaiter
            }
            waiter?.resume()
        }
    }

    /// One batch: history first (so an acked job always has its record), then the queue. A
    /// failure keeps the batch for the next try, without writing again the history that was
    /// already written; its leases stay renewed by the heartbeat meanwhile. The history store
    /// itself never refuses a batch for one bad row (it records row by row then), so only an
    /// outage can hold acks back, and only while it lasts.
    func flushOnce() async {
        // One flush at a time: the drain and the loop must not write the same batch twice.
        let batch: [Completion]? = state.withLock { s in
            guard !s.flushBusy else { return nil }
            s.flushBusy = true
            return Array(s.unflushed.values)
        }
        guard let batch else {
            try? await Task.sleep(for: .milliseconds(5))
            return
        }
        defer { state.withLock { $0.flushBusy = false } }
        guard !batch.isEmpty else { return }
        var failures = 0
        while true {
            do {
                // Shielded from cancellation: a half-done flush would only be redone by the lease
                // expiry, so let it finish once started.
                try await Task { try await self.write(batch) }.value
                break
            } catch {
                failures += 1
                logger.warning("flushing finished jobs failed; retrying", metadata: ["error": "\(error)", "jobs": "\(batch.count)"])
                if failures > 3, Task.isCancelled { return }
                if let giveUp = state.withLock({ $0.flushGiveUpAtMs }), WallClock.nowMs() >= giveUp { return }
                try? await Task.sleep(for: .milliseconds(Self.backoffMs(failures)))
            }
        }
        let waiters = state.withLock { s in
            for c in batch { s.unflushed[c.lease] = nil }
            s.jobsDone += batch.count
            return s.takeSlotWaiters()
        }
        for w in waiters { w.resume() }
    }

    private func write(_ batch: [Completion]) async throws {
        let unrecorded = state.withLock { s in batch.filter { s.unflushed[$0.lease]?.recorded == false } }
        if let history, !unrecorded.isEmpty {
            try await history.record(unrecorded.map(\.record))
        }
        state.withLock { s in
            for c in unrecorded { s.unflushed[c.lease]?.recorded = true }
        }
        var acks: [QueueName: [Lease]] = [:]
        var fails: [QueueName: [JobFailure]] = [:]
        var releases: [QueueName: [Lease]] = [:]
        for c in batch {
            let queue = c.record.queue
            switch c.disposition {
            case .ack: acks[queue, default: []].append(c.lease)
            case .fail(let delay):
                fails[queue, default: []].append(JobFailure(lease: c.lease, error: c.record.error ?? "failed", retryDelayMs: delay))
            case .release: releases[queue, default: []].append(c.lease)
            case .leaseLost: break
            }
        }
        for (queue, leases) in acks { _ = try await driver.ack(queue: queue, leases: leases) }
        for (queue, failures) in fails { _ = try await driver.fail(queue: queue, failures: failures) }
        for (queue, leases) in releases { _ = try await driver.release(queue: queue, leases: leases) }
    }
}
