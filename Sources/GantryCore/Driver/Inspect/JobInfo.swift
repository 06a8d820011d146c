/// What a driver knows of one job.
public struct JobInfo: Sendable, Hashable {
    public var envelope: JobEnvelope
    public var state: JobState
    /// Attempts used so far: 0 before the first lease, 1 while or after the first run. A lease handed
    /// back by `release`, or one of the free lapses of `LeaseLapsePolicy`, does not count. (A leased
    /// envelope's `attempt` is the number of its run, so the two agree once a run has started.)
    public var attemptsUsed: Int
    public var lastError: String?
    public var progress: Int?
    public var progressMessage: String?
    public var cancelRequested: Bool
    public var updatedAtMs: Int64?
    public init(
        envelope: JobEnvelope, state: JobState, attemptsUsed: Int, lastError: String? = nil, progress: Int? = nil,
        progressMessage: String? = nil, cancelRequested: Bool = false, updatedAtMs: Int64? = nil
    ) {
        self.envelope = envelope
        self.state = state
        self.attemptsUsed = attemptsUsed
        self.lastError = lastError
        self.progress = progress
        self.progressMessage = progressMessage
        self.cancelRequested = cancelRequested
        self.updatedAtMs = updatedAtMs
    }
}
