import GantryCore
import Logging

extension Worker {
    func start(_ jobs: [LeasedJob], queue: QueueName) {
        let stale: [Task<Void, Never>] = state.withLock { s in
            var stale: [Task<Void, Never>] = []
            for job in jobs {
                if var earlier = s.running[job.id] {
                    // Its earlier lease lapsed while it ran here (cut off from Redis for longer than
                    // the lease) and the job came back to this worker. Two runs of one job must never
                    // coexist: stop the earlier one (its lease is gone, so its outcome cannot count)
                    // and start this one when it has ended.
                    if earlier.stopReason == nil {
                        earlier.stopReason = .leaseLost
                        s.running[job.id] = earlier
                        if let task = earlier.task { stale.append(task) }
                    }
                    s.deferred[job.id] = job
                    logger.notice("job leased again while its lapsed run is stopping; it starts when that run ends", metadata: ["job": "\(job.id)"])
                } else {
                    launch(job, in: &s)
                }
            }
            return stale
        }
        for task in stale { task.cancel() }
    }

    /// Starts one run; the caller holds the state lock.
    private func launch(_ job: LeasedJob, in s: inout WorkerState) {
        let now = WallClock.nowMs()
        var running = RunningJob(
            envelope: job.envelope, lease: job.lease, startedAtMs: now, deadlineMs: WallClock.adding(job.envelope.timeoutMs, to: now))
        // Unstructured so that each job can be cancelled on its own (cancel request, lost
        // lease, timeout); the worker tracks every handle and awaits them all on drain.
        running.task = Task { await self.execute(job) }
        s.running[job.id] = running
    }

    func execute(_ job: LeasedJob) async {
        let envelope = job.envelope
        let lease = job.lease
        let started = WallClock.nowMs()
        let startedAt = ContinuousClock.now
        observer.jobStarted(envelope, startedAtMs: started)
        let driver = self.driver
        let context = JobContext(
            envelope: envelope, logger: logger, deadlineMs: WallClock.adding(envelope.timeoutMs, to: started),
            progress: { percent, message in
                try await driver.setProgress(queue: envelope.queue, lease: lease, percent: percent, message: message)
            })
        let outcome: (JobRunRecord.Outcome, Completion.Disposition, String?, JSONValue?)
        if let handler = handlers.handler(for: envelope.kind) {
            do {
                // The timeout is enforced by the watchdog (`timeoutLoop`), not a timer task per job.
                let result = try await Self.traced(envelope) { try await handler(envelope.payload, context) }
                outcome = (.succeeded, .ack, nil, result)
            } catch {
                outcome = failureOutcome(error, envelope)
            }
        } else {
            outcome = (.dead, .fail(retryDelayMs: nil), "no handler for kind '\(envelope.kind)' in this worker (it runs: \(handlers.kinds.joined(separator: ", ")))", nil)
        }
        if case .dead = outcome.0 { context.logger.warning("job failed for good", metadata: ["error": "\(outcome.2 ?? "")"]) }
        // A run whose lease was lost is recorded, but says nothing to the queue: its outcome
        // belongs to whichever run holds the job now.
        let lost = state.withLock { $0.running[envelope.id]?.stopReason == .leaseLost }
        let record = JobRunRecord(
            jobID: envelope.id, kind: envelope.kind, queue: envelope.queue, projectID: envelope.projectID,
            attempt: envelope.attempt, worker: configuration.workerID, startedAtMs: started, finishedAtMs: WallClock.nowMs(),
            outcome: lost ? .cancelled : outcome.0,
            error: lost ? "lease lost: the job was reclaimed or leased again" : outcome.2.map(Self.bounded),
            result: lost ? nil : outcome.3)
        observer.jobFinished(record, duration: ContinuousClock.now - startedAt)
        finish(lease, Completion(lease: lease, record: record, disposition: lost ? .leaseLost : outcome.1))
    }

    /// The most of an error's text kept with the job (Redis) and its run (PostgreSQL): a handler
    /// that throws a whole file as its message must not bloat every record that quotes it.
    static let maxErrorCharacters = 4_000

    static func bounded(_ text: String) -> String {
        guard text.utf8.count > maxErrorCharacters else { return text }
        return String(text.prefix(maxErrorCharacters)) + " … (cut at \(maxErrorCharacters) characters)"
    }

    /// Classifies a handler's failure: why it stopped, and what the queue should do.
    func failureOutcome(_ error: any Error, _ envelope: JobEnvelope) -> (JobRunRecord.Outcome, Completion.Disposition, String?, JSONValue?) {
        let reason = state.withLock { $0.running[envelope.id]?.stopReason }
        switch reason {
        case .leaseLost?:
            return (.cancelled, .leaseLost, "lease lost: the job was reclaimed or cancelled elsewhere", nil)
        case .cancelRequested?:
            // The queue ends it cancelled (it was asked to), whatever the failure says.
            return (.cancelled, .fail(retryDelayMs: nil), "cancelled by request", nil)
        case .released?:
            return (.released, .release, "handed back on shutdown", nil)
        case .timedOut?, nil:
            break
        }
        let retryable = envelope.attempt < envelope.maxAttempts
        if reason == .timedOut {
            let delay = configuration.retry.delayMs(afterAttempt: envelope.attempt)
            let message = "timed out after \(envelope.timeoutMs) ms"
            return (retryable && delay != nil ? .timedOut : .dead, .fail(retryDelayMs: delay), message, nil)
        }
        if let jobError = error as? JobError {
            switch jobError.disposition {
            case .permanent:
                return (.dead, .fail(retryDelayMs: nil), jobError.message, nil)
            case .retryable(let after):
                let delay = after ?? configuration.retry.delayMs(afterAttempt: envelope.attempt)
                return (retryable && delay != nil ? .retrying : .dead, .fail(retryDelayMs: delay), jobError.message, nil)
            }
        }
        let delay = configuration.retry.delayMs(afterAttempt: envelope.attempt)
        return (retryable && delay != nil ? .retrying : .dead, .fail(retryDelayMs: delay), "\(error)", nil)
    }

    /// Moves a run from running to the flush, frees its slot, and starts the job's deferred new
    /// lease, if one was waiting for this run to end.
    func finish(_ lease: Lease, _ completion: Completion) {
        let (slotWaiters, flushWaiter) = state.withLock { s in
            if s.running[lease.id]?.lease == lease { s.running[lease.id] = nil }
            s.unflushed[lease] = completion
            if s.running[lease.id] == nil, let next = s.deferred.removeValue(forKey: lease.id) {
                launch(next, in: &s)
            }
            let flush = s.flushWaiter
            s.flushWaiter = nil
            return (s.takeSlotWaiters(), flush)
        }
        flushWaiter?.resume()
        for w in slotWaiters { w.resume() }
    }
}
