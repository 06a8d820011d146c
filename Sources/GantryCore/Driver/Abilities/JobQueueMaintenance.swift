/// An ability: the transitions that keep a queue healthy with no coordinator — due jobs become
/// ready, lapsed leases come back. Idempotent scripts any process may run on a timer (every worker
/// does; the coordinator, when it leads, does too).
public protocol JobQueueMaintenance: Sendable {
    /// Moves delayed and retrying jobs whose time has come to ready. Idempotent; any process may run it.
    func promoteDue(queue: QueueName, limit: Int) async throws -> Int

    /// Returns jobs whose lease expired (their worker died, or was cut off) to ready, or to the dead
    /// letter when it was their last attempt (a lapse uses an attempt only after the free ones of
    /// `LeaseLapsePolicy`); a job whose cancellation was asked for ends cancelled. Idempotent; any
    /// process may run it.
    func reclaimExpired(queue: QueueName, limit: Int) async throws -> ReclaimResult
}
