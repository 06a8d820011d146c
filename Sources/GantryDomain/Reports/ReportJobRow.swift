/// One recent job of a project in a report: what ran, how it ended and when.
public struct ReportJobRow: Sendable, Hashable, Codable {
    public var jobID: String
    public var kind: String
    /// succeeded, retrying, dead, timed_out, cancelled or released (`job_runs.outcome`).
    public var outcome: String
    public var attempt: Int
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    public var finishedAt: String
    /// Nil when only the job's result is known (its run history was not kept).
    public var durationMs: Int64?
    public var error: String?

    public init(
        jobID: String, kind: String, outcome: String, attempt: Int, finishedAt: String, durationMs: Int64?,
        error: String?
    ) {
        self.jobID = jobID
        self.kind = kind
        self.outcome = outcome
        self.attempt = attempt
        self.finishedAt = finishedAt
        self.durationMs = durationMs
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case kind, outcome, attempt, error
        case jobID = "job_id"
        case finishedAt = "finished_at"
        case durationMs = "duration_ms"
    }
}
