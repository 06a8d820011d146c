import GantryPostgresStore

/// What one try at a delivery came to: the row `notification_attempts` gets, plus what the run
/// needs to decide on the next step.
public struct DeliveryAttempt: Sendable, Hashable {
    public var outcome: NotificationAttemptRecord.Outcome
    /// HTTP status or SMTP reply code; nil when no answer came (timeout, refused connection).
    public var responseCode: Int?
    public var latencyMs: Int
    public var error: String?
    /// From `Retry-After`, when the receiver sent one.
    public var retryAfterMs: Int64?
    /// 410 Gone.
    public var disablesEndpoint: Bool

    public init(
        outcome: NotificationAttemptRecord.Outcome, responseCode: Int?, latencyMs: Int, error: String? = nil,
        retryAfterMs: Int64? = nil, disablesEndpoint: Bool = false
    ) {
        self.outcome = outcome
        self.responseCode = responseCode
        self.latencyMs = latencyMs
        self.error = error
        self.retryAfterMs = retryAfterMs
        self.disablesEndpoint = disablesEndpoint
    }
}

extension Duration {
    /// Whole milliseconds, for latencies.
    var wholeMilliseconds: Int {
        let c = components
        return Int(clamping: c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000)
    }
}
