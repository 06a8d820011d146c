/// A `NOTIFY` received on a channel this connection listens on.
public struct PostgresNotification: Sendable, Hashable {
    public var channel: String
    public var payload: String
    /// The server process that sent it (`pg_backend_pid()` of the notifier).
    public var processID: Int32
    // Made only by the connection (from libpq's PGnotify), so the memberwise initializer stays internal.
}
