public struct QueueStats: Sendable, Hashable, Codable {
    public var queue: String
    public var ready: Int
    public var leased: Int
    public var delayed: Int
    public var dead: Int
    public var processed: Int
    public var failed: Int
    public var retried: Int
    public var reclaimed: Int
    /// Age of the oldest ready job: how long the next job has waited (queue latency).
    public var oldestReadyAgeMs: Int64?
    public init(
        queue: String, ready: Int = 0, leased: Int = 0, delayed: Int = 0, dead: Int = 0, processed: Int = 0,
        failed: Int = 0, retried: Int = 0, reclaimed: Int = 0, oldestReadyAgeMs: Int64? = nil
    ) {
        self.queue = queue
        self.ready = ready
        self.leased = leased
        self.delayed = delayed
        self.dead = dead
        self.processed = processed
        self.failed = failed
        self.retried = retried
        self.reclaimed = reclaimed
        self.oldestReadyAgeMs = oldestReadyAgeMs
    }
}
