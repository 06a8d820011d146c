/// How a server or tool is started: where, as whom, where its output goes, and whether it may outlive us.
struct SpawnOptions: Sendable {
    /// The directory it starts in.
    var workingDirectory: String
    /// Its standard output and error are appended here; nil sends them to `/dev/null`.
    var logFile: String? = nil
    /// Run as this user (root starting PostgreSQL, which refuses root), or as ourselves when nil.
    var user: ServerUser? = nil
    /// Set in its environment on top of ours (e.g. `PGPASSWORD` for `createdb`).
    var environment: [String: String] = [:]
    /// What happens to it when this process dies.
    var lifetime: ServerLifetime
}
