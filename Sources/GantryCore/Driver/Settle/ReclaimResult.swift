public struct ReclaimResult: Sendable, Hashable {
    public var requeued: Int
    public var dead: Int
    /// Jobs whose cancellation had been asked for: they end cancelled instead of running again.
    public var cancelled: Int
    public init(requeued: Int = 0, dead: Int = 0, cancelled: Int = 0) {
        self.requeued = requeued
        self.dead = dead
        self.cancelled = cancelled
    }
}
