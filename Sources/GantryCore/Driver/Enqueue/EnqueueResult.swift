/// The answer to one enqueued job.
public struct EnqueueResult: Sendable, Hashable {
    public var id: JobID
    /// False when a job with the same unique key already held it: `id` is then that job's.
    public var enqueued: Bool
    public init(id: JobID, enqueued: Bool) {
        self.id = id
        self.enqueued = enqueued
    }
}
