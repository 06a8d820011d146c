import Synchronization

/// Per-endpoint token buckets, shared by every `notify.send` run in this process.
///
/// The limit is per worker process: N workers may together send N times an endpoint's rate. That
/// keeps the hot path free of a shared store; an endpoint that needs a cluster-wide ceiling answers
/// 429 and the sender backs off.
public final class NotifyRateLimiter: Sendable {
    /// Buckets by key (endpoint or recipient); the lock guards only this dictionary's arithmetic.
    private let buckets = Mutex<[String: TokenBucket]>([:])
    private let origin = ContinuousClock.now

    public init() {}

    /// One limiter per process, for handlers that are not given their own.
    public static let shared = NotifyRateLimiter()

    /// What `reserve` decided.
    public enum Reservation: Sendable, Hashable {
        /// A token is reserved: send after this many seconds (0: at once).
        case granted(waitSeconds: Double)
        /// Nothing reserved: the token would come only after this many seconds, over the maximum.
        case refused(waitSeconds: Double)
    }

    /// Reserves a token for `key`, unless the wait for it would exceed `maximumWait` seconds.
    public func reserve(_ key: String, rate: Double, burst: Int, maximumWait: Double) -> Reservation {
        let now = seconds(ContinuousClock.now)
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? TokenBucket(rate: rate, capacity: burst, now: now)
            // An endpoint's limits may change between runs; the bucket follows them.
            bucket.rate = max(rate, 1e-9)
            bucket.capacity = Double(max(1, burst))
            defer { buckets[key] = bucket }
            if let wait = bucket.reserve(now: now, maximumWait: maximumWait) { return .granted(waitSeconds: wait) }
            return .refused(waitSeconds: bucket.wait(now: now))
        }
    }

    private func seconds(_ instant: ContinuousClock.Instant) -> Double {
        let d = origin.duration(to: instant).components
        return Double(d.seconds) + Double(d.attoseconds) / 1e18
    }
}
