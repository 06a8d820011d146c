import FoundationEssentials
import Synchronization

/// A token bucket per API token: `perSecond` requests a second on average, bursts of up to `burst`.
/// Over the limit, the API answers 429 with `Retry-After` in whole seconds.
public struct RateLimit: Sendable, Hashable {
    public var perSecond: Double
    public var burst: Double
    public init(perSecond: Double, burst: Double? = nil) {
        self.perSecond = perSecond
        self.burst = burst ?? max(1, perSecond)
    }
}

final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedNs: UInt64
    }

    let limit: RateLimit
    private let buckets = Mutex<[UUID: Bucket]>([:])
    /// Buckets of tokens not seen for a while are dropped, so memory stays bounded by live tokens.
    private static let maxBuckets = 100_000

    init(limit: RateLimit) { self.limit = limit }

    /// nil: allowed (and counted); otherwise the seconds to wait before the next request would be.
    func take(_ token: UUID, nowNs: UInt64) -> Int? {
        buckets.withLock { b in
            var bucket = b[token] ?? Bucket(tokens: limit.burst, updatedNs: nowNs)
            let elapsed = Double(nowNs &- bucket.updatedNs) / 1e9
            bucket.tokens = min(limit.burst, bucket.tokens + elapsed * limit.perSecond)
            bucket.updatedNs = nowNs
            defer {
                if b.count >= Self.maxBuckets, b[token] == nil { b.removeAll(keepingCapacity: true) }
                b[token] = bucket
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            let wait = (1 - bucket.tokens) / max(limit.perSecond, 1e-9)
            return max(1, Int(wait.rounded(.up)))
        }
    }
}
