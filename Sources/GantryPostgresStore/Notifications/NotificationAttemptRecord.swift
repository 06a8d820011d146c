import FoundationEssentials
import Glibc

/// One try at a delivery (`notification_attempts`).
public struct NotificationAttemptRecord: Sendable, Hashable {
    /// The `notification_attempts.outcome` check.
    public enum Outcome: String, Sendable, Hashable, CaseIterable, Codable {
        /// 2xx, or 250 after DATA.
        case delivered
        /// 5xx HTTP, 408, a timeout or a network error: worth another try.
        case retryable
        /// 429 (or an SMTP 4xx): the receiver asks us to slow down.
        case throttled
        /// Any other 4xx, a 3xx, or a 5xx SMTP reply: another try would get the same answer.
        case rejected
    }

    public var deliveryID: UUID
    /// 1 for the first try of the delivery, across all runs and jobs.
    public var attemptNo: Int
    public var jobID: UUID
    public var outcome: Outcome
    /// HTTP status or SMTP reply code; nil when no answer came.
    public var responseCode: Int?
    public var latencyMs: Int
    public var error: String?
    public var attemptedAt: Date

    public init(
        deliveryID: UUID, attemptNo: Int, jobID: UUID, outcome: Outcome, responseCode: Int?, latencyMs: Int,
        error: String?, attemptedAt: Date
    ) {
        self.deliveryID = deliveryID
        self.attemptNo = attemptNo
        self.jobID = jobID
        self.outcome = outcome
        self.responseCode = responseCode
        self.latencyMs = latencyMs
        self.error = error
        self.attemptedAt = attemptedAt
    }
}
