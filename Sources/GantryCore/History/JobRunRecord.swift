/// One run of one job, as the worker saw it: what the history table keeps, and (for a success)
/// the result that `job_results` keeps under the job's ID.
public struct JobRunRecord: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, CaseIterable, Codable {
        case succeeded, retrying, dead
        case timedOut = "timed_out"
        case cancelled
        /// Handed back to the queue unfinished (graceful shutdown).
        case released
    }

    public var jobID: JobID
    public var kind: String
    public var queue: QueueName
    public var projectID: String?
    public var attempt: Int
    public var worker: String
    public var startedAtMs: Int64
    public var finishedAtMs: Int64
    public var outcome: Outcome
    public var error: String?
    /// The handler's result, kept for a success only.
    public var result: JSONValue?

    public init(
        jobID: JobID, kind: String, queue: QueueName, projectID: String?, attempt: Int, worker: String,
        startedAtMs: Int64, finishedAtMs: Int64, outcome: Outcome, error: String? = nil, result: JSONValue? = nil
    ) {
        self.jobID = jobID
        self.kind = kind
        self.queue = queue
        self.projectID = projectID
        self.attempt = attempt
        self.worker = worker
        self.startedAtMs = startedAtMs
        self.finishedAtMs = finishedAtMs
        self.outcome = outcome
        self.error = error
        self.result = result
    }

    public var durationMs: Int64 { finishedAtMs - startedAtMs }
}

/// Where workers keep run history and results (PostgreSQL in production). Records arrive in
/// batches and are written before the jobs are acked, so an acked job always has its record.
/// Writing the same job's result twice keeps the first: results are keyed by job ID.
public protocol JobHistoryStore: Sendable {
    func record(_ runs: [JobRunRecord]) async throws
}
