import GantryCore
import GantryTelemetry

/// The worker's metrics as a `WorkerObserver`: each run's wait and duration, its outcome counted
/// under `gantry_jobs_total{queue,kind,outcome}`, and the leases its maintenance reclaimed (names
/// in `GantryMetric`).
public struct WorkerMetrics: WorkerObserver {
    public let jobs: JobMetrics

    public init(jobs: JobMetrics) { self.jobs = jobs }

    public func jobStarted(_ envelope: JobEnvelope, startedAtMs: Int64) {
        // From when the job could first run: its enqueue, or its run-at when it was delayed (a
        // retry's backoff or a scheduled job is not time spent waiting for a worker).
        let due = max(envelope.enqueuedAtMs, envelope.runAtMs)
        jobs.started(queue: envelope.queue.rawValue, kind: envelope.kind, waitedMs: startedAtMs - due)
    }

    public func jobFinished(_ record: JobRunRecord, duration: Duration) {
        jobs.finished(queue: record.queue.rawValue, kind: record.kind, outcome: record.outcome, duration: duration)
    }

    public func leasesReclaimed(queue: QueueName, count: Int) {
        jobs.leasesReclaimed(queue: queue.rawValue, count: count)
    }
}
