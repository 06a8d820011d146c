/// An ability: reading a job, a queue's counts and its event stream, for the API, the CLI, the
/// dashboard and metrics. Reads only; nothing here changes a job.
public protocol JobQueueInspection: Sendable {
    /// A job's current state, or nil when it is unknown or its record has expired.
    func job(queue: QueueName, id: JobID) async throws -> JobInfo?

    /// Ready, leased, delayed and dead counts, counters and queue latency, read in one round trip.
    func stats(queue: QueueName) async throws -> QueueStats

    /// Job state changes after `cursor` (nil: from the oldest kept), at most `limit`.
    func events(queue: QueueName, after cursor: String?, limit: Int) async throws -> [JobEvent]
}
