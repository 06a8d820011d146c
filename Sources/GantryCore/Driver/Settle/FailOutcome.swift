public enum FailOutcome: Sendable, Hashable {
    case retrying(JobID, runAtMs: Int64)
    case dead(JobID)
    /// Its cancellation had been asked for while it ran: it ends cancelled, whatever its error.
    case cancelled(JobID)
    /// The lease was no longer held (lapsed, reclaimed, or another lease of the job); nothing changed.
    case stale(JobID)
}
