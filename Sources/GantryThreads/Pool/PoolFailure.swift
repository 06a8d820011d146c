/// Why a pool could not lend a connection; each client turns it into its own error.
public enum PoolFailure: Sendable, Hashable {
    /// The pool was closed (before the call, or while it waited).
    case closed
    /// The waiting task was cancelled.
    case cancelled
    /// No connection came back within the pool's acquire timeout.
    case timedOut
}
