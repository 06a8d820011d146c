import GantryDelivery

/// How `notify.send` delivers: retries, timeouts, the SMTP relay, limits, which addresses webhooks
/// may reach and the keys of webhook secrets. Immutable once built; the executable fills it from its
/// environment.
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
    /// Which addresses webhooks may reach: public ones, plus the blocks of `GANTRY_WEBHOOK_ALLOW`.
    public var webhookGuard: WebhookAddressGuard
    /// Seals and opens webhook secrets (`GANTRY_SECRET_KEY`); nil: a webhook endpoint cannot be read.
    public var secretKeys: SecretKeyRing?
    /// Retries of the write that records a try after the receiver answered: that write must not
    /// fail the run, or the next run would send again. `attemptsPerRun` is the number of writes.
    public var recordRetry: NotifyRetryPolicy

    public init(
        retry: NotifyRetryPolicy = NotifyRetryPolicy(), webhookTimeout: Duration = .seconds(15),
        smtp: SMTPConfiguration? = nil, defaultRatePerSecond: Double = 10, defaultBurst: Int = 10,
        claimMarginMs: Int64 = 30_000, userAgent: String = "Gantry-Webhooks/1",
        webhookGuard: WebhookAddressGuard = WebhookAddressGuard(), secretKeys: SecretKeyRing? = nil,
        recordRetry: NotifyRetryPolicy = NotifyRetryPolicy(
            attemptsPerRun: 8, initialBackoffMs: 50, multiplier: 2, maximumBackoffMs: 5_000)
    ) {
        self.retry = retry
        self.webhookTimeout = webhookTimeout
        self.smtp = smtp
        self.defaultRatePerSecond = defaultRatePerSecond
        self.defaultBurst = defaultBurst
        self.claimMarginMs = claimMarginMs
        self.userAgent = userAgent
        self.webhookGuard = webhookGuard
        self.secretKeys = secretKeys
        self.recordRetry = recordRetry
    }
}
