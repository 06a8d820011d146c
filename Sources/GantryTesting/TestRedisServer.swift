import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A dedicated `redis-server` on a free loopback port, in a temporary directory of its own, for restart and
/// chaos tests. `restart()` keeps the port and the directory, so with `appendOnly` the data survives it (and
/// survives `kill()` up to what was fsynced). `stop()` or deinit removes the directory.
public final class TestRedisServer: Sendable {
    public let port: Int
    /// The server's working directory (AOF files, `redis.log`).
    public let directory: String
    public let appendOnly: Bool
    /// How often the AOF is fsynced when `appendOnly` (Redis' `appendfsync`).
    public let appendFsync: AppendFsync
    /// Redis' `appendfsync` policies.
    public enum AppendFsync: String, Sendable {
        /// Every write is on disk before Redis answers: a `kill()` loses nothing acknowledged.
        case always
        /// Production's setting: a crash can lose about the last second.
        case everysec
        /// The OS decides.
        case no
    }
    /// `redis://127.0.0.1:PORT/0`
    public var url: String { "redis://127.0.0.1:\(port)/0" }

    private struct State {
        // Foundation's Process reaps the child for us, so a killed server never lingers as a zombie.
        var process: Process?
        var removed = false
    }
    private let state: Mutex<State>

    private init(port: Int, directory: String, appendOnly: Bool, appendFsync: AppendFsync) {
        self.port = port
        self.directory = directory
        self.appendOnly = appendOnly
        self.appendFsync = appendFsync
        self.state = Mutex(State())
    }

    /// Starts a fresh server and waits until it answers PING. With `appendOnly`, writes go to an AOF fsynced as
    /// `appendFsync` says (default `always`, so a `kill()` loses nothing that was acknowledged).
    public static func start(appendOnly: Bool = false, appendFsync: AppendFsync = .always) throws -> TestRedisServer {
        let directory = try ServerTools.makeTemporaryDirectory(prefix: "gantry-redis")
        var lastError: (any Error)?
        for _ in 0..<3 {
            let server = TestRedisServer(
                port: try freeLoopbackPort(), directory: directory, appendOnly: appendOnly, appendFsync: appendFsync)
            do {
                try server.launch()
                return server
            } catch {
                // Most likely another test took the port between our probe and the bind: try another one.
                server.state.withLock { $0.removed = true }
                lastError = error
            }
        }
        ServerTools.removeDirectory(directory)
        throw lastError ?? TestServerError(.startFailed, "redis-server did not start")
    }

    deinit {
        stop()
    }

    /// Stops the server (SIGTERM: Redis flushes the AOF and exits) and removes its directory.
    public func stop() {
        terminate(signal: SIGTERM)
        let remove = state.withLock { state -> Bool in
            defer { state.removed = true }
            return !state.removed
        }
        if remove { ServerTools.removeDirectory(directory) }
    }

    /// Stops the server if it runs, then starts it again on the same port with the same directory.
    public func restart() throws {
        terminate(signal: SIGTERM)
        try launch()
    }

    /// SIGKILL: the server dies at once, as in a crash. `restart()` brings it back.
    public func kill() {
        terminate(signal: SIGKILL)
    }

    /// Whether the server process is running.
    public var isRunning: Bool {
        state.withLock { $0.process?.isRunning ?? false }
    }

    private func launch() throws {
        let executable = try ServerTools.redisServer()
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--daemonize", "no", "--save", "",
            "--dir", directory, "--logfile", directory + "/redis.log",
        ]
        arguments += appendOnly ? ["--appendonly", "yes", "--appendfsync", appendFsync.rawValue] : ["--appendonly", "no"]
        let process = ServerTools.makeProcess(executable, arguments)
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        state.withLock { $0.process = process }
        let port = self.port
        let ready = ServerTools.poll(timeout: 30) {
            redisAnswersPing(port: port) || !ServerTools.isAlive(pid)
        }
        guard ready, ServerTools.isAlive(pid) else {
            terminate(signal: SIGKILL)
            throw TestServerError(.startFailed, "redis-server on port \(port) did not start:\n"
                + ServerTools.tail(directory + "/redis.log"))
        }
    }

    private func terminate(signal: Int32) {
        let pid = state.withLock { state -> pid_t in
            defer { state.process = nil }
            guard let process = state.process, process.isRunning else { return 0 }
            return process.processIdentifier
        }
        guard pid > 0 else { return }
        _ = sendSignal(signal, to: pid)
        if !ServerTools.waitUntilGone(pid, timeout: 10) {
            _ = sendSignal(SIGKILL, to: pid)
            ServerTools.waitUntilGone(pid, timeout: 5)
        }
    }
}

func sendSignal(_ signal: Int32, to pid: pid_t) -> Bool {
    kill(pid, signal) == 0
}
