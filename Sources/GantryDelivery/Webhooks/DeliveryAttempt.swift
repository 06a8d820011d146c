/// What one try at a delivery came to, by Standard Webhooks' reading of the answer (and SMTP's).
public enum DeliveryOutcome: String, Sendable, Hashable, CaseIterable {
    /// 2xx, or 250 after DATA.
    case delivered
    /// 5xx HTTP, 408, a timeout or a network error: worth another try.
    case retryable
    /// 429, 502, 504 (or an SMTP 421, 450–452): the receiver asks us to slow down.
    case throttled
    /// Any other 4xx, a 3xx, or a 5xx SMTP reply: another try would get the same answer.
    case rejected

    /// What an HTTP status means: only 2xx is success; 429, 502 and 504 mean "slow down"; other 5xx
    /// and 408 are worth another try; any other 4xx (and a 3xx, since webhooks do not follow
    /// redirects) will get the same answer again.
    public init(httpStatus status: Int) {
        self =
            switch status {
            case 200..<300: .delivered
            case 429, 502, 504: .throttled
            case 408, 500..<600: .retryable
            default: .rejected
            }
    }

    /// What an SMTP reply code means: 2xx delivered, 421 and 450–452 throttled (the relay is busy or
    /// over quota), other 4xx retryable, 5xx rejected.
    public init(smtpCode code: Int) {
        self =
            switch code {
            case 200..<300: .delivered
            case 421, 450, 451, 452: .throttled
            case 400..<500: .retryable
            default: .rejected
            }
    }

    /// 410 Gone: the receiver says the endpoint no longer exists.
    public static func disablesEndpoint(httpStatus status: Int) -> Bool { status == 410 }
}

/// What one try at a delivery came to, plus what the sender needs to decide on the next step.
public struct DeliveryAttempt: Sendable, Hashable {
    public var outcome: DeliveryOutcome
    /// HTTP status or SMTP reply code; nil when no answer came (timeout, refused connection).
    public var responseCode: Int?
    public var latencyMs: Int
    public var error: String?
    /// From `Retry-After`, when the receiver sent one.
    public var retryAfterMs: Int64?
    /// 410 Gone.
    public var disablesEndpoint: Bool

    public init(
        outcome: DeliveryOutcome, responseCode: Int?, latencyMs: Int, error: String? = nil,
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
    package var wholeMilliseconds: Int {
        let c = components
        return Int(clamping: c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000)
    }
}
