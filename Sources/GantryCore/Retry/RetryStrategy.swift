/// When a failed job runs again. The worker asks the strategy for a delay and tells the driver;
/// the driver only decides between "retry later" and "dead" by the attempt count.
public struct RetryStrategy: Sendable, Hashable {
    public enum Shape: Sendable, Hashable {
        /// `min(cap, base * 2^(attempt-1))`, then full jitter: uniform in 0...that (AWS's
        /// "Exponential Backoff And Jitter": spreads a thundering herd best).
        case exponential(baseMs: Int64, capMs: Int64, jitter: Bool)
        case fixed(delayMs: Int64)
        case none
    }

    public var shape: Shape

    public init(_ shape: Shape) { self.shape = shape }

    public static let `default` = RetryStrategy(.exponential(baseMs: 1_000, capMs: 6 * 3600 * 1000, jitter: true))
    public static func exponential(baseMs: Int64, capMs: Int64, jitter: Bool = true) -> RetryStrategy {
        RetryStrategy(.exponential(baseMs: baseMs, capMs: capMs, jitter: jitter))
    }
    public static func fixed(ms: Int64) -> RetryStrategy { RetryStrategy(.fixed(delayMs: ms)) }
    /// No retries: the first failure is final.
    public static let none = RetryStrategy(.none)

    /// The wait before the run after failed attempt `attempt` (1-based), or nil for "do not retry".
    public func delayMs(afterAttempt attempt: Int) -> Int64? {
        var rng = SystemRandomNumberGenerator()
        return delayMs(afterAttempt: attempt, using: &rng)
    }

    public func delayMs(afterAttempt attempt: Int, using rng: inout some RandomNumberGenerator) -> Int64? {
        switch shape {
        case .none:
            return nil
        case .fixed(let d):
            return max(0, d)
        case .exponential(let base, let cap, let jitter):
            let exponent = min(max(attempt - 1, 0), 62)
            let (scaled, overflow) = base.multipliedReportingOverflow(by: Int64(1) << exponent)
            let ceiling = overflow ? cap : min(cap, scaled)
            return jitter ? Int64.random(in: 0...max(0, ceiling), using: &rng) : ceiling
        }
    }
}
