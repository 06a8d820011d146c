import Foundation
import GantryLocalServers
import GantryRedis

#if canImport(Glibc)
import Glibc
#endif

/// A dedicated `redis-server` on a free loopback port, in a temporary directory of its own, for restart and
/// chaos tests (GantryLocalServers' `LocalRedis`, plus what crash tests need of the AOF). `restart()` keeps the
/// port and the directory, so with `appendOnly` the data survives it (and survives `kill()` up to what was
/// fsynced). `stop()`, deinit or the test process' exit removes the directory; the server dies with the test
/// process however that ends.
public final class TestRedisServer: StoppableTestServer {
    public var port: Int { server.port }
    /// The server's working directory (AOF files, `redis.log`).
    public var directory: String { folder.path }
    /// Whether it keeps an append-only file.
    public var appendOnly: Bool { server.configuration.appendOnly != nil }
    /// How often the AOF is fsynced when `appendOnly` (Redis' `appendfsync`).
    public var appendFsync: AppendFsync { server.configuration.appendOnly ?? .always }
    /// Redis' `appendfsync` policies.
    public typealias AppendFsync = LocalRedis.AppendFsync
    /// `redis://127.0.0.1:PORT/0`
    public var url: String { server.url }

    private let server: LocalRedis
    private let folder: ThrowawayDirectory

    private init(server: LocalRedis, folder: ThrowawayDirectory) {
        self.server = server
        self.folder = folder
    }

    /// Starts a fresh server and waits until it answers PING. With `appendOnly`, writes go to an AOF fsynced as
    /// `appendFsync` says (default `always`, so a `kill()` loses nothing that was acknowledged).
    /// `extraArguments` go to redis-server (`--requirepass x`).
    public static func start(appendOnly: Bool = false, appendFsync: AppendFsync = .always,
                             extraArguments: [String] = []) throws -> TestRedisServer {
        let folder = try ThrowawayDirectory(prefix: "gantry-redis")
        let server = try folder.removingOnFailure {
            try LocalRedis.startOnFreePort { port in
                try LocalRedis(.init(
                    directory: folder.path, port: port, appendOnly: appendOnly ? appendFsync : nil,
                    extraArguments: extraArguments, lifetime: .endsWithThisProcess))
            }
        }
        let started = TestRedisServer(server: server, folder: folder)
        ExitCleanup.register(started)
        return started
    }

    deinit {
        stop()
    }

    /// Stops the server (SIGTERM: Redis flushes the AOF and exits) and removes its directory.
    public func stop() {
        server.stop()
        folder.remove()
    }

    /// Stops the server if it runs, then starts it again on the same port with the same directory.
    public func restart() throws {
        server.stop()
        try server.start()
    }

    /// SIGKILL: the server dies at once, as in a crash. `restart()` brings it back.
    public func kill() {
        server.kill()
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
                + server.logTail())
        }
    }

    /// The server's own log (`redis.log`), to check afterwards what it went through (AOF loads, rewrites).
    public var serverLogText: String { server.logText }

    /// Whether the server process is running.
    public var isRunning: Bool { server.isRunning }
}
