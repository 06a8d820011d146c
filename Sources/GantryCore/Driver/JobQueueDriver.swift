/// The seam between queue semantics and storage. `GantryRedisQueue.RedisJobQueueDriver` is the
/// production implementation; `MemoryJobQueueDriver` implements the same behaviour in process for
/// tests of everything above the queue. Both pass one behaviour suite.
///
/// Every method is one atomic transition for the jobs it names, so a crash between two calls
/// never leaves a job in two states or none. Batched forms exist because one round trip should
/// serve many jobs on the hot path.
public protocol JobQueueDriver: Sendable {
    /// Stores validated, encoded jobs. A job whose unique key is held returns the holder's ID and
    /// stores nothing. Jobs with `runAtMs` in the future wait in the delayed set.
    func enqueue(_ jobs: [JobEnvelope]) async throws -> [EnqueueResult]

    /// Leases up to `max` ready jobs, highest priority first and FIFO within a priority, to
    /// `consumer` until `leaseMs` from now. Corrupt bodies go to the dead letter, never to a caller.
    func lease(queue: QueueName, consumer: String, max: Int, leaseMs: Int64) async throws -> [LeasedJob]

    /// Waits until one of `queues` may have ready jobs or `timeoutMs` passes, without polling.
    /// A `true` is a hint, not a promise: another consumer may lease the job first.
    func waitForWork(queues: [QueueName], timeoutMs: Int64) async throws -> Bool

    /// Heartbeat: pushes the deadline of jobs still leased by `consumer`; tells which were lost
    /// (reclaimed, cancelled) and which have a cancellation request.
    func extendLeases(queue: QueueName, consumer: String, ids: [JobID], leaseMs: Int64) async throws -> LeaseExtension

    /// Completes jobs leased by `consumer`; returns how many were still held (stale acks are ignored).
    func ack(queue: QueueName, consumer: String, ids: [JobID]) async throws -> Int

    /// Records failures of jobs leased by `consumer`: each retries after `retryDelayMs` while
    /// attempts remain, or goes to the dead letter with its error.
    func fail(queue: QueueName, consumer: String, failures: [JobFailure]) async throws -> [FailOutcome]

    /// Hands leased jobs back to the front of their queue at once (graceful shutdown); the attempt
    /// they used is not counted.
    func release(queue: QueueName, consumer: String, ids: [JobID]) async throws -> Int

    /// Moves delayed and retrying jobs whose time has come to ready. Idempotent; any process may run it.
    func promoteDue(queue: QueueName, limit: Int) async throws -> Int

    /// Returns jobs whose lease expired (their worker died) to ready, or to the dead letter when it
    /// was their last attempt. Idempotent; any process may run it.
    func reclaimExpired(queue: QueueName, limit: Int) async throws -> ReclaimResult

    /// Cancels a waiting or delayed job at once, or asks a running job's worker to stop.
    func cancel(queue: QueueName, id: JobID) async throws -> CancelOutcome

    /// Moves dead jobs back to ready with a fresh attempt budget: the named ones, or all when `ids` is nil.
    func retryDead(queue: QueueName, ids: [JobID]?) async throws -> Int

    /// Deletes dead jobs that died more than `olderThanMs` ago.
    func purgeDead(queue: QueueName, olderThanMs: Int64) async throws -> Int

    /// Stores a running job's progress (0–100) and message with the job.
    func setProgress(queue: QueueName, id: JobID, percent: Int, message: String?) async throws

    /// A job's current state, or nil when it is unknown or its record has expired.
    func job(queue: QueueName, id: JobID) async throws -> JobInfo?

    /// Ready, leased, delayed and dead counts, counters and queue latency, read in one round trip.
    func stats(queue: QueueName) async throws -> QueueStats

    /// Job state changes after `cursor` (nil: from the oldest kept), at most `limit`.
    func events(queue: QueueName, after cursor: String?, limit: Int) async throws -> [JobEvent]
}
