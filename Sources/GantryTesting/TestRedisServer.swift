import Foundation
import GantryRedis
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

    /// Where the AOF ends at one moment: the incremental file Redis appends to and its size, written to the
    /// kernel whether or not fsynced yet.
    public struct AppendOnlyMark: Sendable, Equatable {
        public let file: String
        public let size: Int
    }

    /// The AOF's end now (Redis 7's `appendonlydir/appendonly.aof.<n>.incr.aof` with the highest n), or nil
    /// without AOF.
    public func appendOnlyMark() -> AppendOnlyMark? {
        let folder = directory + "/appendonlydir"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        let newest = names.compactMap { name -> (sequence: Int, name: String)? in
            let parts = name.split(separator: ".")
            guard name.hasSuffix(".incr.aof"), parts.count == 5, let sequence = Int(parts[2]) else { return nil }
            return (sequence, name)
        }.max { $0.sequence < $1.sequence }
        guard let newest else { return nil }
        var info = stat()
        guard stat(folder + "/" + newest.name, &info) == 0 else { return nil }
        return AppendOnlyMark(file: folder + "/" + newest.name, size: Int(info.st_size))
    }

    /// A host crash under `appendfsync everysec`: SIGKILL, then the AOF cut back to `mark`, so the writes made
    /// after it are gone although Redis acknowledged them, as when the kernel never flushed them to disk.
    /// (A SIGKILL alone loses almost nothing: Redis writes the AOF to the kernel before it replies.) The cut may
    /// split a command; Redis loads such a tail (`aof-load-truncated yes`, the default). Nothing is cut when
    /// Redis has started another AOF file since `mark`. Returns how many bytes were cut; `restart()` recovers.
    @discardableResult
    public func crashLosingWrites(after mark: AppendOnlyMark?) -> Int {
        kill()
        guard let mark, let now = appendOnlyMark(), now.file == mark.file, now.size > mark.size,
              truncate(mark.file, off_t(mark.size)) == 0
        else { return 0 }
        return now.size - mark.size
    }

    /// Rewrites the AOF (`BGREWRITEAOF`) and waits until the rewrite has finished, or throws after `timeout`.
    ///
    /// The rewrite child writes and fsyncs a new base file holding the whole data set as it was when the
    /// rewrite began, so everything acknowledged before this call survives a `kill()` even under
    /// `appendfsync everysec`, whose window can otherwise lose about the last second. A test that kills the
    /// server calls this once its input is stored, so it only ever loses writes it can account for.
    public func persistAppendOnlyFile(timeout: Duration = .seconds(30)) async throws {
        guard appendOnly else { throw TestServerError(.toolFailed, "redis-server on port \(port) runs without AOF") }
        let connection = try await RedisConnection.connect(configuration: try RedisConfiguration(url: url))
        defer { connection.close() }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        func persistence() async throws -> [String: String] {
            let text = try await connection.send("INFO", "persistence").string ?? ""
            var fields: [String: String] = [:]
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            return fields
        }
        func waitUntil(_ what: String, _ done: ([String: String]) -> Bool) async throws -> [String: String] {
            while true {
                let fields = try await persistence()
                if done(fields) { return fields }
                guard clock.now < deadline else {
                    throw TestServerError(.toolFailed, "redis-server on port \(port): timed out waiting for \(what): \(fields)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        // A rewrite Redis started by itself covers only what it had when it began: wait it out, then ask for ours.
        let idle = try await waitUntil("an earlier AOF rewrite") {
            $0["aof_rewrite_in_progress"] == "0" && $0["aof_rewrite_scheduled"] == "0"
        }
        let before = Int(idle["aof_rewrites"] ?? "") ?? 0
        _ = try await connection.send("BGREWRITEAOF")
        let after = try await waitUntil("the AOF rewrite") {
            (Int($0["aof_rewrites"] ?? "") ?? 0) > before && $0["aof_rewrite_in_progress"] == "0"
                && $0["aof_rewrite_scheduled"] == "0"
        }
        guard after["aof_last_bgrewrite_status"] == "ok" else {
            throw TestServerError(.toolFailed, "redis-server on port \(port): the AOF rewrite failed: \(after)\n"
                + ServerTools.tail(directory + "/redis.log"))
        }
    }

    /// The server's own log (`redis.log`), to check afterwards what it went through (AOF loads, rewrites).
    public var serverLogText: String {
        String(decoding: FileManager.default.contents(atPath: directory + "/redis.log") ?? Data(), as: UTF8.self)
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
