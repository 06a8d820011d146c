import FoundationEssentials
import Glibc
import GantryPostgresStore

/// How one run of `notify.send` treats a receiver's answer, and how long it waits between tries.
///
/// Standard Webhooks: only 2xx is success; 410 Gone disables the endpoint; 429, 502 and 504 mean
/// "slow down" and `Retry-After` is honoured; other 5xx, 408 and timeouts are worth another try;
/// any other 4xx (and a 3xx, since webhooks do not follow redirects) will get the same answer again.
/// A run makes at most `attemptsPerRun` tries with exponential backoff; what is still failing then
/// goes back to the queue, whose retries spread over hours.
public struct NotifyRetryPolicy: Sendable, Hashable {
    /// Tries per delivery within one run (at least 1).
    public var attemptsPerRun: Int
    /// Wait after the first failed try; doubled (by `multiplier`) after each further one.
    public var initialBackoffMs: Int64
    public var multiplier: Double
    public var maximumBackoffMs: Int64
    /// The longest a run waits in place, for a `Retry-After` or the rate limit; a longer wait ends
    /// the run with `JobError.retryable(after:)` so the worker is not held.
    public var maximumInlineWaitMs: Int64

    public init(
        attemptsPerRun: Int = 3, initialBackoffMs: Int64 = 1_000, multiplier: Double = 2,
        maximumBackoffMs: Int64 = 10_000, maximumInlineWaitMs: Int64 = 15_000
    ) {
        self.attemptsPerRun = max(1, attemptsPerRun)
        self.initialBackoffMs = max(0, initialBackoffMs)
        self.multiplier = max(1, multiplier)
        self.maximumBackoffMs = max(0, maximumBackoffMs)
        self.maximumInlineWaitMs = max(0, maximumInlineWaitMs)
    }

    /// The wait after failed try `attempt` (1-based): initial × multiplier^(attempt−1), capped.
    public func backoffMs(afterAttempt attempt: Int) -> Int64 {
        let exponent = Double(max(0, attempt - 1))
        let raw = Double(initialBackoffMs) * pow(multiplier, exponent)
        guard raw.isFinite, raw < Double(maximumBackoffMs) else { return maximumBackoffMs }
        return Int64(raw)
    }

    /// What an HTTP status means for the delivery.
    public static func outcome(httpStatus status: Int) -> NotificationAttemptRecord.Outcome {
        switch status {
        case 200..<300: .delivered
        case 429, 502, 504: .throttled
        case 408, 500..<600: .retryable
        default: .rejected
        }
    }

    /// What an SMTP reply code means: 2xx delivered, 421 and 450–452 throttled (the relay is busy or
    /// over quota), other 4xx retryable, 5xx rejected.
    public static func outcome(smtpCode code: Int) -> NotificationAttemptRecord.Outcome {
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
