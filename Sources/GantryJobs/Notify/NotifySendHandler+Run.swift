import FoundationEssentials
import Glibc
import GantryCore
import GantryDelivery
import GantryPostgresStore

extension NotifySendHandler {
    /// One run of a job: its claim token and the renderer, shared by its deliveries.
    struct Run: Sendable {
        let handler: NotifySendHandler
        let request: NotifyRequest
        let renderer: NotificationRenderer
        let context: JobContext
        /// Identifies this run's claims (not the job's: two runs of one job must not share them).
        let token: UUID
        let holdMs: Int64

        var policy: NotifyRetryPolicy { handler.configuration.retry }
        var deliveries: NotificationDeliveryRepository { handler.store.notificationDeliveries }

        func deliver(to target: DeliveryTarget) async throws -> DeliveryReport {
            var report = DeliveryReport(recipient: target.recipient, state: .pending, attempts: 0)
            if let reason = target.disabledReason {
                report.state = .disabled
                report.detail = reason
                return report
            }
            let claimed: NotificationDeliveryRecord
            switch try await deliveries.claim(draft(for: target), token: token, holdMs: holdMs) {
            case .finished(let existing):
                report.deliveryID = existing.id
                report.attempts = existing.attempts
                report.responseCode = existing.responseCode
                report.state = existing.state == .sent ? .alreadySent : .failed
                report.detail = existing.lastError
                return report
            case .busy(let existing):
                report.deliveryID = existing.id
                report.attempts = existing.attempts
                report.detail = "another run is sending it"
                let until = existing.claimedUntil.map { Int64($0.timeIntervalSince1970 * 1000) } ?? WallClock.nowMs()
                report.retryAfterMs = max(1_000, until - WallClock.nowMs())
                return report
            case .claimed(let record):
                claimed = record
            }
            report.deliveryID = claimed.id
            report.attempts = claimed.attempts

            var last: DeliveryAttempt?
            for attemptInRun in 1...policy.attemptsPerRun {
                try context.checkCancellation()
                switch handler.limiter.reserve(
                    target.recipient, rate: target.ratePerSecond, burst: target.burst,
                    maximumWait: Double(policy.maximumInlineWaitMs) / 1000)
                {
                case .granted(let wait):
                    if wait > 0 { try await Task.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up)))) }
                case .refused(let wait):
                    let waitMs = Int64((wait * 1000).rounded(.up))
                    try await deliveries.release(claimed.id, token: token, responseCode: nil, error: "rate limited locally")
                    report.detail = "rate limit: next token in \(waitMs) ms"
                    report.retryAfterMs = waitMs
                    return report
                }

                var attempt = try await send(claimed, to: target)
                // A receiver's or relay's words go into PostgreSQL text and the job's result.
                attempt.error = NotificationText.storable(attempt.error)
                last = attempt
                let finish: NotificationDeliveryRepository.Finish? =
                    switch attempt.outcome {
                    case .delivered: .sent
                    case .rejected: .failed(attempt.error ?? "rejected")
                    case .retryable, .throttled: nil
                    }
                let recorded = try await record(attempt, of: claimed.id, finish: finish)
                report.attempts = recorded.attemptNo
                report.responseCode = attempt.responseCode
                report.detail = attempt.error

                switch attempt.outcome {
                case .delivered:
                    if !recorded.finished {
                        context.logger.warning(
                            "a delivery was sent after its claim ran out", metadata: ["delivery": "\(claimed.id)"])
                    }
                    report.state = .sent
                    return report
                case .rejected:
                    if attempt.disablesEndpoint, let endpoint = target.endpoint {
                        try await handler.endpointRepository.disable(
                            endpoint.id, reason: "HTTP 410 Gone from \(endpoint.target)")
                    }
                    report.state = .failed
                    return report
                case .retryable, .throttled:
                    guard attemptInRun < policy.attemptsPerRun else { break }
                    let waitMs = attempt.retryAfterMs ?? policy.backoffMs(afterAttempt: attemptInRun)
                    if waitMs > policy.maximumInlineWaitMs {
                        try await deliveries.release(
                            claimed.id, token: token, responseCode: attempt.responseCode, error: attempt.error)
                        report.retryAfterMs = waitMs
                        return report
                    }
                    if waitMs > 0 { try await Task.sleep(for: .milliseconds(waitMs)) }
                }
            }

            // Still failing after this run's tries.
            if context.isLastAttempt {
                let why = "gave up after \(report.attempts) attempts: \(last?.error ?? "no answer")"
                try await deliveries.markFailed(claimed.id, token: token, responseCode: last?.responseCode, error: why)
                report.state = .failed
                report.detail = why
                return report
            }
            try await deliveries.release(claimed.id, token: token, responseCode: last?.responseCode, error: last?.error)
            report.retryAfterMs = last?.retryAfterMs
            return report
        }

        /// Records a try (and finishes the delivery with it), retrying the write with backoff: it
        /// follows a send that already happened, so failing the run here would make the next run send
        /// again. The try's id makes a retry after an unknown outcome write it once. Runs even when
        /// the job is being cancelled, for the same reason. After `recordRetry.attemptsPerRun`
        /// failed writes the error is thrown; the claim then keeps other runs off the delivery
        /// until it runs out.
        func record(
            _ attempt: DeliveryAttempt, of deliveryID: UUID, finish: NotificationDeliveryRepository.Finish?
        ) async throws -> NotificationDeliveryRepository.RecordedAttempt {
            let retry = handler.configuration.recordRetry
            let attemptID = UUID()
            var write = 1
            while true {
                do {
                    return try await deliveries.recordAttempt(
                        deliveryID, attemptID: attemptID, token: token, jobID: context.jobID.uuid,
                        outcome: NotificationAttemptRecord.Outcome(attempt.outcome),
                        responseCode: attempt.responseCode, latencyMs: attempt.latencyMs, error: attempt.error,
                        finish: finish)
                } catch {
                    guard write < retry.attemptsPerRun else { throw error }
                    let waitMs = retry.backoffMs(afterAttempt: write)
                    context.logger.warning(
                        "recording a notification attempt failed; retrying",
                        metadata: ["delivery": "\(deliveryID)", "write": "\(write)", "error": "\(error)", "retry_in_ms": "\(waitMs)"])
                    // Not cancellable: the write must be tried again, and a cancelled sleep just ends early.
                    try? await Task.sleep(for: .milliseconds(waitMs))
                    write += 1
                }
            }
        }

        /// The row to claim, with its message rendered for this recipient.
        func draft(for target: DeliveryTarget) -> NewNotificationDelivery {
            let id = UUID()
            let message: String
            let subject: String
            switch target.channel {
            case .webhook:
                message = renderer.webhookBody()
                subject = request.event.subject
            case .email:
                let from = handler.configuration.smtp?.from ?? "gantry@localhost.invalid"
                let email = renderer.email(from: from, to: target.target, deliveryID: id)
                message = email.rendered
                subject = email.subject
            }
            return NewNotificationDelivery(
                id: id, eventID: request.event.id, eventType: request.event.type, projectID: request.projectID,
                recipient: target.recipient, channel: target.channel, endpointID: target.endpoint?.id,
                target: target.target, subject: subject, message: message)
        }

        /// One try; every failure of the receiver becomes a `DeliveryAttempt`, only cancellation throws.
        func send(_ delivery: NotificationDeliveryRecord, to target: DeliveryTarget) async throws -> DeliveryAttempt {
            switch target.channel {
            case .webhook:
                guard let stored = target.endpoint?.secret else {
                    return DeliveryAttempt(outcome: .rejected, responseCode: nil, latencyMs: 0, error: "the endpoint has no secret")
                }
                let secret: WebhookSecret
                do {
                    secret = try WebhookSecret(stored.text)
                } catch {
                    return DeliveryAttempt(outcome: .rejected, responseCode: nil, latencyMs: 0, error: "\(error)")
                }
                return try await handler.webhooks.send(
                    url: target.target, secret: secret, messageID: "msg_\(delivery.id.uuidString.lowercased())",
                    timestamp: NotifySendHandler.nowSeconds(), body: delivery.message)
            case .email:
                guard let smtp = handler.smtp else {
                    return DeliveryAttempt(outcome: .rejected, responseCode: nil, latencyMs: 0, error: "no SMTP relay configured")
                }
                let clock = ContinuousClock()
                let start = clock.now
                do {
                    let reply = try await smtp.send(to: [target.target], message: delivery.message)
                    return DeliveryAttempt(
                        outcome: .delivered, responseCode: reply.code, latencyMs: start.duration(to: clock.now).wholeMilliseconds)
                } catch let error as SMTPError {
                    if Task.isCancelled { throw CancellationError() }
                    let outcome: DeliveryOutcome =
                        switch error.code {
                        case .rejected: DeliveryOutcome(smtpCode: error.replyCode ?? 554)
                        case .insecure, .invalidMessage: .rejected
                        default: .retryable
                        }
                    return DeliveryAttempt(
                        outcome: outcome, responseCode: error.replyCode,
                        latencyMs: start.duration(to: clock.now).wholeMilliseconds, error: "\(error)")
                } catch {
                    if Task.isCancelled { throw CancellationError() }
                    return DeliveryAttempt(
                        outcome: .retryable, responseCode: nil, latencyMs: start.duration(to: clock.now).wholeMilliseconds,
                        error: "\(error)")
                }
            }
        }
    }
}

extension NotificationAttemptRecord.Outcome {
    /// The stored form of what a try came to (the same four words).
    init(_ outcome: DeliveryOutcome) {
        self =
            switch outcome {
            case .delivered: .delivered
            case .retryable: .retryable
            case .throttled: .throttled
            case .rejected: .rejected
            }
    }
}
