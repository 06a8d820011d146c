import FoundationEssentials
import Glibc

/// How long one run of `notify.send` keeps trying a delivery, and how long it waits between tries.
///
/// What an answer means is `DeliveryOutcome`'s (GantryDelivery): Standard Webhooks' 2xx, 410, 429/502/504
/// and `Retry-After`; this policy decides what the run does about it.
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
}
