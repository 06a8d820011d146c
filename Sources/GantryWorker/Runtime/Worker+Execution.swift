import GantryCore
import Logging

extension Worker {
    func start(_ jobs: [LeasedJob], queue: QueueName) {
        let now = Clock.nowMs()
        state.withLock { s in
            for job in jobs {
                var running = RunningJob(envelope: job.envelope, startedAtMs: now, deadlineMs: now + job.envelope.timeoutMs)
                // Unstructured so that each job can be cancelled on its own (cancel request, lost
                // lease, timeout); the worker tracks every handle and awaits them all on drain.
                running.task = Task { await self.execute(job.envelope) }
                s.running[job.id] = running
            }
        }
    }

    func execute(_ envelope: JobEnvelope) async {
        let started = Clock.nowMs()
        let driver = self.driver
        let context = JobContext(
            envelope: envelope, logger: logger, deadlineMs: started + envelope.timeoutMs,
            progress: { percent, message in
                try await driver.setProgress(queue: envelope.queue, id: envelope.id, percent: percent, message: message)
            })
        let outcome: (JobRunRecord.Outcome, Completion.Disposition, String?, JSONValue?)
        if let handler = handlers.handler(for: envelope.kind) {
            do {
                // The timeout is enforced by the watchdog (`timeoutLoop`), not a timer task per job.
                let result = try await handler(envelope.payload, context)
                outcome = (.succeeded, .ack, nil, result)
            } catch {
                outcome = failureOutcome(error, envelope)
            }
        } else {
            outcome = (.dead, .fail(retryDelayMs: nil), "no handler for kind '\(envelope.kind)' in this worker (it runs: \(handlers.kinds.joined(separator: ", ")))", nil)
        }
        if case .dead = outcome.0 { context.logger.warning("job failed for good", metadata: ["error": "\(outcome.2 ?? "")"]) }
        let record = JobRunRecord(
            jobID: envelope.id, kind: envelope.kind, queue: envelope.queue, projectID: envelope.projectID,
            attempt: envelope.attempt, worker: configuration.workerID, startedAtMs: started, finishedAtMs: Clock.nowMs(),
            outcome: outcome.0, error: outcome.2, result: outcome.3)
        finish(envelope.id, Completion(record: record, disposition: outcome.1))
    }

    /// Classifies a handler's failure: why it stopped, and what the queue should do.
    func failureOutcome(_ error: any Error, _ envelope: JobEnvelope) -> (JobRunRecord.Outcome, Completion.Disposition, String?, JSONValue?) {
        let reason = state.withLock { $0.running[envelope.id]?.stopReason }
        switch reason {
        case .leaseLost?:
            return (.cancelled, .none, "lease lost: the job was reclaimed or cancelled elsewhere", nil)
        case .cancelRequested?:
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

    /// Moves a job from running to the flush, and frees its slot.
    func finish(_ id: JobID, _ completion: Completion) {
        let (slotWaiters, flushWaiter) = state.withLock { s in
            s.running[id] = nil
            s.unflushed[id] = completion
            let flush = s.flushWaiter
            s.flushWaiter = nil
            return (s.takeSlotWaiters(), flush)
        }
        flushWaiter?.resume()
        for w in slotWaiters { w.resume() }
    }
}
