import GantryCore

/// Sees what a worker does, for metrics (`WorkerMetrics`) and anything else that wants to watch:
/// a run's start and end, and the leases the worker's own maintenance reclaimed.
///
/// Called on the hot path, from any task, often: an implementation must be cheap and must not
/// block or throw. The default, `NoWorkerObserver`, does nothing.
public protocol WorkerObserver: Sendable {
    /// A run of `envelope` starts at `startedAtMs` (wall clock; its wait is measured from the job's
    /// enqueue or run-at, whichever is later).
    func jobStarted(_ envelope: JobEnvelope, startedAtMs: Int64)
    /// A run ended: its record (outcome, queue, kind) and how long it took (on the continuous clock).
    func jobFinished(_ record: JobRunRecord, duration: Duration)
    /// The worker's maintenance round reclaimed `count` expired leases on `queue`.
    func leasesReclaimed(queue: QueueName, count: Int)
}

/// Watches nothing: a worker with no metrics pays one empty call per event.
public struct NoWorkerObserver: WorkerObserver {
    public init() {}
    public func jobStarted(_ envelope: JobEnvelope, startedAtMs: Int64) {}
    public func jobFinished(_ record: JobRunRecord, duration: Duration) {}
    public func leasesReclaimed(queue: QueueName, count: Int) {}
}
