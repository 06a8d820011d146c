import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A dedicated PostgreSQL cluster (`initdb` in a temporary directory, `pg_ctl start --wait` on a free loopback
/// port, TCP only, fsync off, user `gantry` trusted, database `gantry`), for restart and chaos tests.
/// As root the cluster belongs to the `postgres` user (created when missing), because initdb refuses root.
/// `stop()` or deinit removes the directory.
public final class TestPostgresServer: Sendable {
    public let port: Int
    /// Holds `data/` (the cluster), `postgres.log` and the tools' logs.
    public let directory: String
    /// `postgres://gantry@127.0.0.1:PORT/gantry`
    public var url: String { "postgres://gantry@127.0.0.1:\(port)/gantry" }

    private let binDirectory: String
    private let runAs: [String]
    private var dataDirectory: String { directory + "/data" }
    private var serverLog: String { directory + "/postgres.log" }

    private struct State {
        var running = false
        var removed = false
    }
    private let state = Mutex(State())

    private init(port: Int, directory: String, binDirectory: String, runAs: [String]) {
        self.port = port
        self.directory = directory
        self.binDirectory = binDirectory
        self.runAs = runAs
    }

    /// Creates a cluster, starts it and creates the database `gantry`.
    public static func start() throws -> TestPostgresServer {
        let binDirectory = try ServerTools.postgresBinDirectory()
        var runAs: [String] = []
        let directory = try ServerTools.makeTemporaryDirectory(prefix: "gantry-pg")
        do {
            let data = directory + "/data"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
            chmod(data, 0o700)
            _ = FileManager.default.createFile(atPath: directory + "/postgres.log", contents: nil)
            if let user = try ServerTools.postgresUser() {
                guard let runuser = ServerTools.findExecutable("runuser") else {
                    throw TestServerError(.binaryMissing, "running as root needs runuser (util-linux) to start PostgreSQL")
                }
                runAs = [runuser, "-u", "postgres", "--"]
                chown(data, user.uid, user.gid)
                chown(directory + "/postgres.log", user.uid, user.gid)
            }
            try writePostmasterLauncher(in: directory, binDirectory: binDirectory)
            let initdbLog = directory + "/initdb.log"
            let status = try run(runAs, binDirectory + "/initdb",
                                 ["-D", data, "-U", "gantry", "--auth=trust", "-E", "UTF8", "--locale=C"],
                                 in: directory, log: initdbLog)
            guard status == 0 else {
                throw TestServerError(.startFailed, "initdb failed (\(status)):\n" + ServerTools.tail(initdbLog))
            }
        } catch {
            ServerTools.removeDirectory(directory)
            throw error
        }

        var lastError: (any Error)?
        for _ in 0..<3 {
            let server = TestPostgresServer(
                port: try freeLoopbackPort(), directory: directory, binDirectory: binDirectory, runAs: runAs)
            do {
                try server.launch()
                try server.createDatabase()
                return server
            } catch {
                // Most likely another test took the port between our probe and the bind: try another one.
                server.stopServer(mode: "immediate")
                server.state.withLock { $0.removed = true }
                lastError = error
            }
        }
        ServerTools.removeDirectory(directory)
        throw lastError ?? TestServerError(.startFailed, "PostgreSQL did not start")
    }

    deinit {
        stop()
    }

    /// Stops the server (`pg_ctl stop -m fast`) and removes its directory.
    public func stop() {
        stopServer(mode: "fast")
        let remove = state.withLock { state -> Bool in
            defer { state.removed = true }
            return !state.removed
        }
        if remove { ServerTools.removeDirectory(directory) }
    }

    /// Stops the server if it runs (`pg_ctl stop -m fast`), then starts it again on the same port and cluster.
    public func restart() throws {
        stopServer(mode: "fast")
        try launch()
    }

    /// `pg_ctl stop -m immediate`: the postmaster tells every backend to quit at once and exits with no
    /// checkpoint, as after a power cut of the server alone; `restart()` then runs crash recovery from the WAL.
    public func stopImmediately() {
        stopServer(mode: "immediate")
    }

    /// The server's own log (`postgres.log`), to check afterwards what it went through (crash recovery, …).
    public var serverLogText: String {
        // Decoded leniently: a client's statement quoted in the log may hold bytes that are not UTF-8.
        String(decoding: FileManager.default.contents(atPath: serverLog) ?? Data(), as: UTF8.self)
    }

    /// SIGKILL to the postmaster and all its backends, as in a crash; `restart()` recovers the cluster.
    public func kill() {
        guard let pid = postmasterPID() else { return }
        // pg_ctl starts the postmaster in a session of its own, so its process group is exactly the server.
        _ = sendSignal(SIGKILL, to: -pid)
        _ = sendSignal(SIGKILL, to: pid)
        ServerTools.waitUntilGone(pid, timeout: 10)
        _ = ServerTools.poll(timeout: 5) { !groupExists(pid) }
        state.withLock { $0.running = false }
    }

    /// Whether the postmaster is running.
    public var isRunning: Bool {
        guard let pid = postmasterPID() else { return false }
        return ServerTools.isAlive(pid)
    }

    private func launch() throws {
        let options = "-p \(port) -k '' -c listen_addresses=127.0.0.1 -c fsync=off "
            + "-c full_page_writes=off -c max_connections=200"
        let log = directory + "/pg_ctl.log"
        let status = try run(runAs, binDirectory + "/pg_ctl",
                             ["-D", dataDirectory, "-l", serverLog, "-w", "-t", "60", "-o", options,
                              "-p", directory + "/postmaster-launcher", "start"],
                             in: directory, log: log)
        guard status == 0 else {
            throw TestServerError(.startFailed, "PostgreSQL on port \(port) did not start (\(status)):\n"
                + ServerTools.tail(serverLog))
        }
        state.withLock { $0.running = true }
    }

    private func createDatabase() throws {
        let log = directory + "/createdb.log"
        let status = try ServerTools.run(binDirectory + "/createdb",
                                         ["-h", "127.0.0.1", "-p", String(port), "-U", "gantry", "gantry"],
                                         in: directory, logFile: log)
        guard status == 0 else {
            throw TestServerError(.toolFailed, "createdb gantry failed (\(status)):\n" + ServerTools.tail(log))
        }
    }

    private func stopServer(mode: String) {
        guard let pid = postmasterPID(), ServerTools.isAlive(pid) else {
            state.withLock { $0.running = false }
            return
        }
        let status = try? run(runAs, binDirectory + "/pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "-t", "30", "stop"],
                              in: directory, log: directory + "/pg_ctl.log")
        if status != 0 {
            _ = sendSignal(SIGQUIT, to: pid)
            if !ServerTools.waitUntilGone(pid, timeout: 5) { kill() }
        }
        ServerTools.waitUntilGone(pid, timeout: 5)
        state.withLock { $0.running = false }
    }

    /// The first line of `postmaster.pid`, while the file exists.
    private func postmasterPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first, let pid = pid_t(first.trimmingCharacters(in: .whitespaces)),
              pid > 0
        else { return nil }
        return pid
    }

    /// The program pg_ctl starts as the postmaster: drops the descriptors inherited from the test process, then
    /// execs the real postgres (same pid). Foundation's Process on Linux learns that its child (runuser, pg_ctl)
    /// exited when a socket the child inherited closes; a postmaster that kept it would make `waitUntilExit()`
    /// wait for the server's whole life. No redirection on the loop: bash would park stderr on a high
    /// descriptor for its duration, the loop would close that copy, and the server's log would stay empty.
    private static func writePostmasterLauncher(in directory: String, binDirectory: String) throws {
        let path = directory + "/postmaster-launcher"
        let script = """
            #!/bin/bash
            for fd in $(ls /proc/$$/fd); do
              if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ] && [ -e "/proc/$$/fd/$fd" ]; then eval "exec $fd>&-"; fi
            done
            exec '\(binDirectory)/postgres' "$@"

            """
        guard FileManager.default.createFile(atPath: path, contents: Data(script.utf8)) else {
            throw TestServerError(.startFailed, "cannot write \(path)")
        }
        chmod(path, 0o755)
    }

    private static func run(_ runAs: [String], _ tool: String, _ arguments: [String], in directory: String,
                            log: String) throws -> Int32 {
        if runAs.isEmpty { return try ServerTools.run(tool, arguments, in: directory, logFile: log) }
        return try ServerTools.run(runAs[0], Array(runAs.dropFirst()) + [tool] + arguments, in: directory, logFile: log)
    }

    private func run(_ runAs: [String], _ tool: String, _ arguments: [String], in directory: String,
                     log: String) throws -> Int32 {
        try Self.run(runAs, tool, arguments, in: directory, log: log)
    }
}

private func groupExists(_ pgid: pid_t) -> Bool {
    kill(-pgid, 0) == 0
}
