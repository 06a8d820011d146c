import FoundationEssentials
import Glibc
import Synchronization

/// A PostgreSQL cluster on 127.0.0.1, its postmaster in the foreground as our child (never `pg_ctl start`, whose
/// daemonised postmaster would leave our process tree): `gantry dev`'s (kept in `<data-dir>/postgres` and reused)
/// and the tests' (throwaway: fsync off). TCP only, no socket directory (it would need to be writable by the
/// server's user). As root, the cluster and the server belong to the `postgres` user, because PostgreSQL refuses
/// root.
public final class LocalPostgres: LocalServer {
    public struct Configuration: Sendable {
        /// The data directory (`-D`); `initialize()` creates it.
        public var cluster: String
        public var port: Int
        public var logFile: String
        /// The superuser initdb creates; also the database `url` names.
        public var superuser: String
        /// Nil: every local connection is trusted. Else TCP connections must present this password
        /// (scram-sha-256), for tests of authentication.
        public var password: String?
        /// Durability traded for speed (fsync and full-page writes off, initdb without sync, 500 connections): for
        /// test clusters that are thrown away. Commits still reach the kernel before they are acknowledged, so a
        /// killed server loses nothing acknowledged.
        public var throwaway: Bool
        public var lifetime: ServerLifetime

        public init(cluster: String, port: Int, logFile: String, superuser: String = "gantry", password: String? = nil,
                    throwaway: Bool, lifetime: ServerLifetime) {
            self.cluster = cluster
            self.port = port
            self.logFile = logFile
            self.superuser = superuser
            self.password = password
            self.throwaway = throwaway
            self.lifetime = lifetime
        }
    }

    /// How to stop the postmaster (PostgreSQL's shutdown modes, by signal).
    public enum StopMode: Sendable {
        /// SIGINT: backends are told to quit, a checkpoint is written (`pg_ctl stop -m fast`).
        case fast
        /// SIGQUIT: everything exits at once without a checkpoint, as after a power cut of the server alone;
        /// the next start runs crash recovery (`pg_ctl stop -m immediate`).
        case immediate

        var signal: Int32 { self == .fast ? SIGINT : SIGQUIT }
    }

    public let configuration: Configuration
    public let name = "postgres"
    public var stopSignal: Int32 { StopMode.fast.signal }
    public var port: Int { configuration.port }
    public var logFile: String { configuration.logFile }
    /// `postgres://<superuser>@127.0.0.1:PORT/<superuser>`
    public var url: String { "postgres://\(configuration.superuser)@127.0.0.1:\(port)/\(configuration.superuser)" }
    /// The folder of initdb, postgres and createdb.
    public let binDirectory: String
    /// Who runs initdb and the server: the `postgres` user when we are root, else ourselves (nil).
    public let user: ServerUser?
    private let current = Mutex<ChildProcess?>(nil)

    /// Finds PostgreSQL's programs and, as root, the `postgres` user (created when missing); starts nothing.
    public init(_ configuration: Configuration) throws {
        self.configuration = configuration
        binDirectory = try ServerPrograms.postgresBinDirectory()
        user = try ServerUser.forPostgres()
    }

    public var process: ChildProcess? { current.withLock { $0 } }

    /// Whether the cluster exists (initdb has run).
    public var isInitialized: Bool { FileManager.default.fileExists(atPath: configuration.cluster + "/PG_VERSION") }

    /// Lets the server's user reach the cluster through its ancestors; returns the directories it had to open.
    @discardableResult
    public func makeReachable() -> [String] {
        user?.grantSearch(toAncestorsOf: configuration.cluster) ?? []
    }

    /// Creates the cluster (initdb) with UTF-8, the C locale and the superuser.
    public func initialize() throws {
        let cluster = configuration.cluster
        let parent = URL(fileURLWithPath: cluster).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: cluster, withIntermediateDirectories: true)
        } catch {
            throw LocalServerError(.dataDirectory, "cannot create \(cluster): \(error)")
        }
        chmod(cluster, 0o700)
        try user?.own(cluster)
        makeReachable()

        var arguments = ["-D", cluster, "-U", configuration.superuser, "-E", "UTF8", "--locale=C"]
        if configuration.throwaway { arguments.append("--no-sync") }
        var passwordFile: String?
        if let password = configuration.password {
            let file = parent + "/.initdb-password-\(getpid())"
            guard FileManager.default.createFile(atPath: file, contents: Data(password.utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw LocalServerError(.dataDirectory, "cannot write \(file)")
            }
            try user?.own(file)
            passwordFile = file
            arguments += ["--pwfile=\(file)", "--auth-local=trust", "--auth-host=scram-sha-256"]
        } else {
            arguments.append("--auth=trust")
        }
        defer { if let passwordFile { try? FileManager.default.removeItem(atPath: passwordFile) } }
        let outcome = try Tool.run(binDirectory + "/initdb", arguments, options: SpawnOptions(
            workingDirectory: parent, user: user, lifetime: configuration.lifetime))
        guard outcome.succeeded else {
            throw LocalServerError(.toolFailed, "initdb failed (\(outcome.status)):\n" + outcome.output,
                                   program: "initdb")
        }
    }

    public func launch() throws {
        var arguments = [
            "-D", configuration.cluster, "-p", String(port),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
        ]
        if configuration.throwaway {
            // A test process runs hundreds of tests at once against this one server, each with a pool of its
            // own (an API under test holds 8): 200 connections ran out once the group tests came.
            arguments += ["-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=500"]
        }
        let child = try Spawn.start(name, binDirectory + "/postgres", arguments, options: SpawnOptions(
            workingDirectory: configuration.cluster, logFile: logFile, user: user, lifetime: configuration.lifetime))
        current.withLock { $0 = child }
    }

    /// Whether the postmaster reports "ready" in its pid file (line 8, PostgreSQL 10 and later) and the port
    /// accepts connections.
    public func answers() -> Bool {
        guard let text = try? String(contentsOfFile: configuration.cluster + "/postmaster.pid", encoding: .utf8)
        else { return false }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count >= 8 && lines[7].trimmedLines == "ready" && LoopbackPort.acceptsConnections(port)
    }

    /// Creates the database `name` unless it exists; returns whether it created it.
    @discardableResult
    public func createDatabaseIfMissing(_ name: String) throws -> Bool {
        let outcome = try Tool.run(
            binDirectory + "/createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", configuration.superuser, name],
            options: SpawnOptions(
                workingDirectory: "/", environment: configuration.password.map { ["PGPASSWORD": $0] } ?? [:],
                lifetime: configuration.lifetime))
        if outcome.succeeded { return true }
        guard outcome.output.contains("already exists") else {
            throw LocalServerError(.toolFailed, "createdb \(name) failed (\(outcome.status)): \(outcome.output)",
                                   program: "createdb")
        }
        return false
    }

    /// A fast shutdown (SIGINT), SIGKILL to the whole server after thirty seconds.
    public func stop() {
        stop(.fast)
    }

    public func stop(_ mode: StopMode) {
        guard let process, process.signal(mode.signal) else { return }
        if !process.waitUntilGone(timeout: .seconds(30)) { kill() }
        waitForBackends(of: process.pid)
    }

    /// SIGKILL to the postmaster and all its backends, as in a crash; `start()` recovers the cluster.
    public func kill() {
        guard let process, process.isRunning else { return }
        // The postmaster leads a session, hence a process group, of its own: the group is exactly the server.
        Glibc.kill(-process.pid, SIGKILL)
        process.waitUntilGone(timeout: .seconds(10))
        waitForBackends(of: process.pid)
    }

    /// Until every backend of the server has gone: a new postmaster refuses a data directory whose shared memory
    /// an old backend still holds.
    private func waitForBackends(of postmaster: pid_t) {
        _ = Poll.blocking(timeout: .seconds(10)) { Glibc.kill(-postmaster, 0) != 0 }
    }
}
