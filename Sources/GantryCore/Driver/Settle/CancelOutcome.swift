public enum CancelOutcome: String, Sendable, Hashable {
    case cancelled
    /// It is running: its worker sees the request at its next heartbeat.
    case cancelRequested = "cancel_requested"
    case alreadyFinished = "already_finished"
    case notFound = "not_found"
}
