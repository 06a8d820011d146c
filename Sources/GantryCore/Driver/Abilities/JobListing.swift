/// An optional ability: listing a queue's jobs by state, kind and project, a page at a time (for
/// the API's `GET /v1/jobs`, `gantry jobs list` and the dashboard). Not on the hot path: a page
/// costs a few round trips and reads the bodies it returns.
public protocol JobListing: Sendable {
    func listJobs(_ query: JobListQuery) async throws -> JobListPage
}

public struct JobListQuery: Sendable, Hashable {
    public var queue: QueueName
    public var state: JobState?
    public var kind: String?
    public var projectID: String?
    /// The `nextCursor` of the previous page; nil for the first.
    public var cursor: String?
    public var limit: Int
    public init(
        queue: QueueName, state: JobState? = nil, kind: String? = nil, projectID: String? = nil, cursor: String? = nil,
        limit: Int = 100
    ) {
        self.queue = queue
        self.state = state
        self.kind = kind
        self.projectID = projectID
        self.cursor = cursor
        self.limit = limit
    }
}

public struct JobListPage: Sendable, Hashable {
    public var jobs: [JobInfo]
    /// nil on the last page.
    public var nextCursor: String?
    public init(jobs: [JobInfo], nextCursor: String?) {
        self.jobs = jobs
        self.nextCursor = nextCursor
    }
}
