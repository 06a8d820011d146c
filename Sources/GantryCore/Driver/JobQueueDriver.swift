/// The seam between queue semantics and storage. `GantryRedisQueue.RedisJobQueueDriver` is the
/// production implementation; `MemoryJobQueueDriver` implements the same behaviour in process for
/// tests of everything above the queue. Both pass one behaviour suite.
///
/// Every method is one atomic transition for the jobs it names, so a crash between two calls
/// never leaves a job in two states or none. Batched forms exist because one round trip should
/// serve many jobs on the hot path.
public protocol JobQueueDriver: Sendable {
    /// Stores jobs after checking each (`JobEnvelope.validateOptions`) and encoding it, all before
    /// anything is stored. A job whose unique key is held returns the holder's ID and stores
    /// nothing. Jobs with `runAtMs` in the future wait in the delayed set. When a large batch is
    /// stored in several steps and one fails, throws `PartialEnqueueError` saying which were taken.
    func enqueue(_ jobs: [JobEnvelope]) async throws -> [EnqueueResult]

    /// Leases up to `max` ready jobs, highest priority first and FIFO within a priority, to
    /// `consumer` until `leaseMs` from now, each with a new fencing token (`LeasedJob.token`).
    /// Corrupt bodies go to the dead letter, never to a caller.
    func lease(queue: QueueName, consumer: String, max: Int, leaseMs: Int64) async throws -> [LeasedJob]

    /// Waits until one of `queues` may have ready jobs or `timeoutMs` passes, without polling.
    /// A `true` is a hint, not a promise: another consumer may lease the job first.
    func waitForWork(queues: [QueueName], timeoutMs: Int64) async throws -> Bool

    /// Heartbeat: pushes the deadline of the leases still held; tells which were lost (lapsed and
    /// reclaimed, or replaced by another lease of the job) and which have a cancellation request.
    func extendLeases(queue: QueueName, leases: [Lease], leaseMs: Int64) async throws -> LeaseExtension

    /// Completes jobs whose lease is still held; returns how many (stale acks are ignored).
    func ack(queue: QueueName, leases: [Lease]) async throws -> Int

    /// Records failures of jobs whose lease is still held: each retries after `retryDelayMs` while
    /// attempts remain, or goes to the dead letter with its error; a job whose cancellation was
    /// asked for ends cancelled instead.
    func fail(queue: QueueName, failures: [JobFailure]) async throws -> [FailOutcome]

    /// Hands leased jobs back to the front of their queue at once (graceful shutdown); the attempt
    /// they used is not counted. A job whose cancellation was asked for ends cancelled instead.
    func release(queue: QueueName, leases: [Lease]) async throws -> Int

    /// Moves delayed and retrying jobs whose time has come to ready. Idempotent; any process may run it.
    func promoteDue(queue: QueueName, limit: Int) async throws -> Int

    /// Returns jobs whose lease expired (their worker died, or was cut off) to ready, or to the dead
    /// letter when it was their last attempt (a lapse uses an attempt only after the free ones of
    /// `LeaseLapsePolicy`); a job whose cancellation was asked for ends cancelled. Idempotent; any
    /// process may run it.
    func reclaimExpired(queue: QueueName, limit: Int) async throws -> ReclaimResult

    /// Cancels a waiting or delayed job at once, or asks a running job's worker to stop.
    func cancel(queue: QueueName, id: JobID) async throws -> CancelOutcome

    /// Moves dead jobs back to ready with a fresh attempt budget: the named ones, or all when `ids` is nil.
    func retryDead(queue: QueueName, ids: [JobID]?) async throws -> Int

    /// Deletes dead jobs that died more than `olderThanMs` ago (beyond the automatic
    /// `DeadLetterRetention`).
    func purgeDead(queue: QueueName, olderThanMs: Int64) async throws -> Int

    /// Stores a running job's progress (0–100) and message with the job, only while `lease` is
    /// held: a run whose lease lapsed cannot overwrite the progress of the run that replaced it
    /// (throws `leaseLost`).
    func setProgress(queue: QueueName, lease: Lease, percent: Int, message: String?) async throws

    /// A job's current state, or nil when it is unknown or its record has expired.
    func job(queue: QueueName, id: JobID) async throws -> JobInfo?

    /// Ready, leased, delayed and dead counts, counters and queue latency, read in one round trip.
    func stats(queue: QueueName) async throws -> QueueStats

    /// Job state changes after `cursor` (nil: from the oldest kept), at most `limit`.
    func events(queue: QueueName, after cursor: String?, limit: Int) async throws -> [JobEvent]
}

/// An optional ability: naming every queue that was ever enqueued to (for `gantry queues`, the API's
/// queue list, the dashboard and the metrics).
public protocol QueueListing: Sendable {
    /// Every queue name ever enqueued to, sorted.
    func queueNames() async throws -> [QueueName]
}
