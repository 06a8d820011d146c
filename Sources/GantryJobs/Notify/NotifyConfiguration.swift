/// How `notify.send` delivers: retries, timeouts, the SMTP relay and limits. Immutable once built;
/// the executable fills it from its environment.
public struct NotifyConfiguration: Sendable {
    public var retry: NotifyRetryPolicy
    /// Per webhook request; Standard Webhooks suggests 15–30 s.
    public var webhookTimeout: Duration
    /// The relay for e-mail; nil: e-mail recipients fail the job with a permanent error.
    public var smtp: SMTPConfiguration?
    /// The token bucket of recipients without an endpoint (addresses named in a payload).
    public var defaultRatePerSecond: Double
    public var defaultBurst: Int
    /// A run holds its deliveries until the job's deadline plus this margin; a run that dies leaves
    /// them to the next run once that passes.
    public var claimMarginMs: Int64
    public var userAgent: String

    public init(
        retry: NotifyRetryPolicy = NotifyRetryPolicy(), webhookTimeout: Duration = .seconds(15),
        smtp: SMTPConfiguration? = nil, defaultRatePerSecond: Double = 10, defaultBurst: Int = 10,
        claimMarginMs: Int64 = 30_000, userAgent: String = "Gantry-Webhooks/1"
    ) {
        self.retry = retry
        self.webhookTimeout = webhookTimeout
        self.smtp = smtp
        self.defaultRatePerSecond = defaultRatePerSecond
        self.defaultBurst = defaultBurst
        self.claimMarginMs = claimMarginMs
        self.userAgent = userAgent
    }
}
