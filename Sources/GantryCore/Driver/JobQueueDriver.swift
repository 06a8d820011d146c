/// The seam between queue semantics and storage: the hot path every driver must have. What else a
/// driver can do is an ability of its own protocol — `JobQueueMaintenance` (promote, reclaim),
/// `JobQueueAdministration` (cancel, retry and purge dead jobs), `JobQueueInspection` (a job, stats,
/// events), `QueueListing` and `JobListing` — so each user asks for exactly what it needs (the
/// worker: the hot path and maintenance; the enqueue batcher: `enqueue` alone) and a new driver can
/// be written one ability at a time, as swift-jobs splits its drivers' optional abilities.
///
/// `GantryRedisQueue.RedisJobQueueDriver` is the production implementation; `MemoryJobQueueDriver`
/// implements the same behaviour in process for tests of everything above the queue. Both have every
/// ability and pass one behaviour suite.
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

    /// Stores a running job's progress (0–100) and message with the job, only while `lease` is
    /// held: a run whose lease lapsed cannot overwrite the progress of the run that replaced it
    /// (throws `leaseLost`).
    func setProgress(queue: QueueName, lease: Lease, percent: Int, message: String?) async throws
}

/// Every ability a complete driver has: what the API, the CLI and the behaviour suite work with.
public typealias JobQueueBackend = JobQueueDriver & JobQueueMaintenance & JobQueueAdministration & JobQueueInspection
