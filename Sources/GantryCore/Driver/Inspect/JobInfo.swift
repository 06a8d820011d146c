/// What a driver knows of one job.
public struct JobInfo: Sendable, Hashable {
    public var envelope: JobEnvelope
    public var state: JobState
    public var attempt: Int
    public var lastError: String?
    public var progress: Int?
    public var progressMessage: String?
    public var cancelRequested: Bool
    public var updatedAtMs: Int64?
    public init(
        envelope: JobEnvelope, state: JobState, attempt: Int, lastError: String? = nil, progress: Int? = nil,
        progressMessage: String? = nil, cancelRequested: Bool = false, updatedAtMs: Int64? = nil
    ) {
        self.envelope = envelope
        self.state = state
        self.attempt = attempt
        self.lastError = lastError
        self.progress = progress
        self.progressMessage = progressMessage
        self.cancelRequested = cancelRequested
        self.updatedAtMs = updatedAtMs
    }
}
