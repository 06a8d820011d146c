/// An ability: what an operator does to jobs by hand (the API's and the CLI's cancel, retry and
/// purge), never needed on the hot path.
public protocol JobQueueAdministration: Sendable {
    /// Cancels a waiting or delayed job at once, or asks a running job's worker to stop.
    func cancel(queue: QueueName, id: JobID) async throws -> CancelOutcome

    /// Moves dead jobs back to ready with a fresh attempt budget: the named ones, or all when `ids` is nil.
    func retryDead(queue: QueueName, ids: [JobID]?) async throws -> Int

    /// Deletes dead jobs that died more than `olderThanMs` ago (beyond the automatic
    /// `DeadLetterRetention`).
    func purgeDead(queue: QueueName, olderThanMs: Int64) async throws -> Int
}
