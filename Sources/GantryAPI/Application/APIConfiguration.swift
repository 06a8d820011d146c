/// The API process's settings, validated by the executable (which alone reads flags and the
/// environment) and handed to `GantryAPI.buildApplication`.
public struct APIConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest body of a request that is not bulk or an import (one job, a project, a token).
    public var maxBodyBytes: Int
    /// Largest body of `POST /v1/jobs/bulk` (10,000 jobs) and of a CSV upload.
    public var maxBulkBodyBytes: Int
    /// How long a token check is remembered: a revoked token stops working within this time.
    public var tokenCacheTTL: Duration
    public var tokenCacheCapacity: Int
    /// Per token; nil: no limit.
    public var rateLimit: RateLimit?
    /// How long an `Idempotency-Key` holds its first answer.
    public var idempotencyWindowMs: Int64
    /// How often the dashboard's queue charts are sampled (an hour of samples is kept per queue).
    public var queueSampleInterval: Duration
    /// Open `GET /v1/events` streams allowed at once; more are refused with 503.
    public var maxEventStreams: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20, maxBulkBodyBytes: Int = 32 << 20,
        tokenCacheTTL: Duration = .seconds(10), tokenCacheCapacity: Int = 10_000,
        rateLimit: RateLimit? = RateLimit(perSecond: 50_000, burst: 100_000),
        idempotencyWindowMs: Int64 = 24 * 3_600_000, queueSampleInterval: Duration = .seconds(10), maxEventStreams: Int = 100
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxBulkBodyBytes = maxBulkBodyBytes
        self.tokenCacheTTL = tokenCacheTTL
        self.tokenCacheCapacity = tokenCacheCapacity
        self.rateLimit = rateLimit
        self.idempotencyWindowMs = idempotencyWindowMs
        self.queueSampleInterval = queueSampleInterval
        self.maxEventStreams = maxEventStreams
    }
}
