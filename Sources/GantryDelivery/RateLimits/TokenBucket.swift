/// A token bucket that reserves: each take removes one token now, and a take that finds the bucket
/// empty is told how long to wait for its token (the bucket goes into debt), so concurrent senders
/// queue up fairly instead of polling.
///
/// Pure: the caller passes the time, which keeps the arithmetic testable without a clock.
public struct TokenBucket: Sendable, Hashable {
    /// Tokens added per second.
    public var rate: Double
    /// Most tokens the bucket holds: the burst allowed after a quiet spell.
    public var capacity: Double
    /// May be negative: tokens already promised to waiting takes.
    public private(set) var tokens: Double
    public private(set) var updatedAt: Double

    /// Starts full at time `now` (seconds, any monotonic origin).
    public init(rate: Double, capacity: Int, now: Double) {
        self.rate = max(rate, 1e-9)
        self.capacity = Double(max(1, capacity))
        self.tokens = self.capacity
        self.updatedAt = now
    }

    /// Takes one token, returning seconds to wait before using it (0: at once), or nil without
    /// taking anything when the wait would exceed `maximumWait`.
    public mutating func reserve(now: Double, maximumWait: Double = .infinity) -> Double? {
        refill(now: now)
        let wait = tokens >= 1 ? 0 : (1 - tokens) / rate
        guard wait <= maximumWait else { return nil }
        tokens -= 1
        return wait
    }

    /// Seconds until a take at `now` could have its token, without taking it.
    public func wait(now: Double) -> Double {
        var copy = self
        copy.refill(now: now)
        return copy.tokens >= 1 ? 0 : (1 - copy.tokens) / copy.rate
    }

    mutating func refill(now: Double) {
        if now > updatedAt {
            tokens = min(capacity, tokens + (now - updatedAt) * rate)
            updatedAt = now
        }
    }
}
