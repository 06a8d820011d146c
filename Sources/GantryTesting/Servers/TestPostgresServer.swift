import GantryLocalServers

/// A dedicated PostgreSQL cluster (GantryLocalServers' `LocalPostgres`, throwaway: initdb in a temporary
/// directory, a free loopback port, TCP only, fsync off, user `gantry`, database `gantry`), for restart and
/// chaos tests. As root the cluster belongs to the `postgres` user (created when missing), because initdb
/// refuses root. `stop()`, deinit or the test process' exit removes the directory; the server dies with the test
/// process however that ends.
public final class TestPostgresServer: StoppableTestServer {
    public var port: Int { server.port }
    /// Holds `data/` (the cluster) and `postgres.log`.
    public var directory: String { folder.path }
    /// `postgres://gantry@127.0.0.1:PORT/gantry`
    public var url: String { server.url }
    /// The password TCP connections must present, when the cluster was started with one.
    public var password: String? { server.configuration.password }

    private let server: LocalPostgres
    private let folder: ThrowawayDirectory

    private init(server: LocalPostgres, folder: ThrowawayDirectory) {
        self.server = server
        self.folder = folder
    }

    /// Creates a cluster, starts it and creates the database `gantry`. With `password`, TCP connections must
    /// present it (scram-sha-256), for tests of authentication.
    public static func start(password: String? = nil) throws -> TestPostgresServer {
        let folder = try ThrowawayDirectory(prefix: "gantry-pg")
        let server = try folder.removingOnFailure {
            var initialized = false
            return try LocalPostgres.startOnFreePort { port in
                let server = try LocalPostgres(.init(
                    cluster: folder.path + "/data", port: port, logFile: folder.path + "/postgres.log",
                    password: password, throwaway: true, lifetime: .endsWithThisProcess))
                // One cluster for all attempts: only the port changes between them.
                if !initialized {
                    try server.initialize()
                    initialized = true
                }
                return server
            }
        }
        let started = TestPostgresServer(server: server, folder: folder)
        ExitCleanup.register(started)
        do {
            try server.createDatabaseIfMissing("gantry")
        } catch {
            started.stop()
            throw error
        }
        return started
    }

    deinit {
        stop()
    }

    /// Stops the server (a fast shutdown) and removes its directory.
    public func stop() {
        server.stop(.fast)
        folder.remove()
    }

    /// Stops the server if it runs (a fast shutdown), then starts it again on the same port and cluster.
    public func restart() throws {
        server.stop(.fast)
        try server.start()
    }

    /// An immediate shutdown: the postmaster tells every backend to quit at once and exits with no checkpoint,
    /// as after a power cut of the server alone; `restart()` then runs crash recovery from the WAL.
    public func stopImmediately() {
        server.stop(.immediate)
    }

    /// The server's own log (`postgres.log`), to check afterwards what it went through (crash recovery, …).
    public var serverLogText: String { server.logText }

    /// SIGKILL to the postmaster and all its backends, as in a crash; `restart()` recovers the cluster.
    public func kill() {
        server.kill()
    }

    /// Whether the postmaster is running.
    public var isRunning: Bool { server.isRunning }
}
