import FoundationEssentials
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The PostgreSQL that `gantry dev` runs when GANTRY_DATABASE_URL is not set: a cluster in `<data-dir>/postgres`
/// (created by initdb on the first start, reused afterwards), user `gantry` trusted on loopback only, database
/// `gantry`. The postmaster runs in the foreground as our child; SIGINT is its fast shutdown (`pg_ctl stop -m fast`).
/// As root, the cluster and the server belong to the `postgres` user, because PostgreSQL refuses root.
struct EmbeddedPostgres: Service {
    static let defaultPort = 5440

    let port: Int
    let cluster: String
    let binDirectory: String
    let process: SupervisedProcess
    let logger: Logger

    var url: String { "postgres://gantry@127.0.0.1:\(port)/gantry" }

    /// Finds PostgreSQL, creates the cluster on the first start, stops a server an earlier run left behind, and
    /// picks the port (`preferredPort`, or a free one when it is busy).
    static func prepare(dataDirectory: String, preferredPort: Int?, logger: Logger) async throws -> EmbeddedPostgres {
        let binDirectory = try ServerPrograms.postgresBinDirectory()
        let user = try await ServerUser.forPostgres()
        let cluster = dataDirectory + "/postgres"
        user?.grantSearch(toAncestorsOf: cluster) { logger.notice("\($0)") }

        if FileManager.default.fileExists(atPath: cluster + "/PG_VERSION") {
            logger.info("reusing the PostgreSQL cluster in \(cluster)")
        } else {
            try await initialize(cluster: cluster, binDirectory: binDirectory, user: user, logger: logger)
        }
        await ServerPrograms.stopLeftover(pidFile: cluster + "/postmaster.pid", programName: "postgres", signal: SIGINT) {
            logger.notice("\($0)")
        }

        let wanted = preferredPort ?? defaultPort
        let port = try LocalPorts.choose(preferred: wanted)
        if port != wanted { logger.notice("port \(wanted) is busy; PostgreSQL listens on \(port)") }
        let arguments = [
            "-D", cluster, "-p", String(port),
            "-c", "listen_addresses=127.0.0.1",
            // TCP only: a socket directory would need to be writable by the server's user.
            "-c", "unix_socket_directories=",
        ]
        let process = SupervisedProcess(
            name: "postgres", executable: binDirectory + "/postgres", arguments: arguments, workingDirectory: cluster,
            user: user, logFile: dataDirectory + "/postgres.log", stopSignal: .interrupt)
        return EmbeddedPostgres(port: port, cluster: cluster, binDirectory: binDirectory, process: process, logger: logger)
    }

    private static func initialize(cluster: String, binDirectory: String, user: ServerUser?, logger: Logger) async throws {
        logger.info("creating a PostgreSQL cluster in \(cluster) (initdb)")
        do {
            try FileManager.default.createDirectory(atPath: cluster, withIntermediateDirectories: true)
        } catch {
            throw DevError(.dataDirectory, "cannot create \(cluster): \(error)")
        }
        chmod(cluster, 0o700)
        if let user, chown(cluster, user.uid, user.gid) != 0 {
            throw DevError(.dataDirectory, "cannot give \(cluster) to the \(user.name) user: errno \(errno)")
        }
        let parent = URL(fileURLWithPath: cluster).deletingLastPathComponent().path
        let result = try await ProgramRunner.run(
            binDirectory + "/initdb",
            ["-D", cluster, "-U", "gantry", "--auth=trust", "-E", "UTF8", "--locale=C"],
            user: user, workingDirectory: parent)
        guard result.succeeded else {
            throw DevError(.dataDirectory, "initdb failed (\(result.status)):\n" + result.output)
        }
    }

    func run() async throws {
        try await process.run(logger: logger)
    }

    /// Returns once the postmaster reports "ready" in its pid file and accepts connections; throws after `timeout`.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isReady() {
            guard ContinuousClock.now < deadline else {
                throw DevError(.notReady, "PostgreSQL did not become ready on port \(port) within \(timeout); "
                    + "see \(process.logFile)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func isReady() -> Bool {
        // Line 8 of postmaster.pid is the postmaster's status (PostgreSQL 10 and later).
        guard let text = try? String(contentsOfFile: cluster + "/postmaster.pid", encoding: .utf8) else { return false }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 8, lines[7].trimmed == "ready" else { return false }
        return LocalPorts.acceptsConnections(port)
    }

    /// Creates the database `gantry` unless it exists.
    func createDatabaseIfMissing() async throws {
        let result = try await ProgramRunner.run(
            binDirectory + "/createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "gantry", "gantry"])
        if result.succeeded {
            logger.info("created the database gantry")
        } else if !result.output.contains("already exists") {
            throw DevError(.toolFailed, "createdb gantry failed (\(result.status)): \(result.output)")
        }
    }
}
