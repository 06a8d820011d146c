import Foundation
import GantryCore
import GantryPostgres
import GantryRedis
import GantryRedisQueue
import GantryTesting
import Testing

/// A `gantry worker` child process of a test, its output in a log file.
final class WorkerProcess: @unchecked Sendable {
    // Unchecked: `Process` is not Sendable; a test touches each one from one task at a time.
    let process = Process()
    let log: URL

    init(binary: URL, arguments: [String], environment: [String: String], log: URL) throws {
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    func kill9() { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    func terminate() { if process.isRunning { kill(process.processIdentifier, SIGTERM) } }

    /// The exit status once it exits, or nil after `timeoutMs`.
    func waitForExit(timeoutMs: Int64) async -> Int32? {
        let deadline = WallClock.nowMs() + timeoutMs
        while process.isRunning, WallClock.nowMs() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

/// Dedicated servers (so restarts touch no other test), the real binary, and helpers to drive it.
final class Cluster: @unchecked Sendable {
    // Unchecked: the worker list is only touched by the test's own task.
    let redis: TestRedisServer
    let postgres: TestPostgresServer
    let binary: URL
    let directory: URL
    let queueName: QueueName
    let pool: RedisConnectionPool
    let driver: RedisJobQueueDriver
    let queue: JobQueue
    var workers: [WorkerProcess] = []
    private var started = 0

    /// `redisFsync` is the AOF's `appendfsync`: `.always` unless a test kills Redis the way production runs it.
    init(_ name: String, redisFsync: TestRedisServer.AppendFsync = .always) async throws {
        binary = try GantryBinary.url()
        redis = try TestRedisServer.start(appendOnly: true, appendFsync: redisFsync)
        postgres = try TestPostgresServer.start()
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(TestServers.uniquePrefix(name))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        queueName = try QueueName(name)
        pool = RedisConnectionPool(configuration: try RedisConfiguration(url: redis.url), size: 2)
        driver = RedisJobQueueDriver(pool: pool)
        queue = JobQueue(driver: driver)
        let migrate = try WorkerProcess(
            binary: binary, arguments: ["migrate"], environment: environment, log: directory.appendingPathComponent("migrate.log"))
        let status = await migrate.waitForExit(timeoutMs: 60_000)
        #expect(status == 0, "gantry migrate failed: \(migrate.output)")
    }

    var environment: [String: String] { ["GANTRY_REDIS_URL": redis.url, "GANTRY_DATABASE_URL": postgres.url] }

    /// `gantry <arguments>` on this cluster's servers (and `extra` variables), its output in `<name>.log`. The
    /// caller stops it.
    func child(_ name: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> WorkerProcess {
        try WorkerProcess(
            binary: binary, arguments: arguments, environment: environment.merging(extra) { _, new in new },
            log: directory.appendingPathComponent("\(name).log"))
    }

    /// An admin token from `gantry tokens create`, then `gantry api` on a free port, once it answers, with a client
    /// that holds the token. The caller stops the API.
    func startAPI(environment extra: [String: String] = [:]) async throws -> (process: WorkerProcess, client: APIDriver) {
        let tokenRun = try child("token", ["tokens", "create", "--scopes", "submit,read,admin", "--name", queueName.rawValue], environment: extra)
        #expect(await tokenRun.waitForExit(timeoutMs: 60_000) == 0, "tokens create: \(tokenRun.output)")
        let token = try #require(tokenRun.output.split(separator: "\n").map(String.init).first { $0.hasPrefix("gty_") })
        let port = try freeLoopbackPort()
        let api = try child("api", ["api", "--port", "\(port)"], environment: extra)
        let client = APIDriver(base: "http://127.0.0.1:\(port)", token: token)
        try await eventually("gantry api to answer", timeout: .seconds(60), every: .milliseconds(100)) {
            #expect(api.isRunning, "gantry api exited: \(api.output)")
            return (try? await client.get("/healthz").status) == 200
        }
        return (api, client)
    }

    @discardableResult
    func startWorker(_ extra: [String] = []) throws -> WorkerProcess {
        started += 1
        let worker = try WorkerProcess(
            binary: binary,
            arguments: ["worker", "--queues", queueName.rawValue, "--lease", "2", "--grace", "2", "--log-level", "notice"] + extra,
            environment: environment, log: directory.appendingPathComponent("worker-\(started).log"))
        workers.append(worker)
        return worker
    }

    /// `count` drill jobs; with `groups`, job n is in group `g<n mod groups>`.
    func enqueueDrill(_ count: Int, groups: Int = 0) async throws {
        var requests: [JobRequest] = []
        for n in 0..<count {
            var request = JobRequest(kind: "gantry.drill", payload: ["n": .integer(Int64(n))], queue: queueName)
            if groups > 0 { request.group = "g\(n % groups)" }
            requests.append(request)
        }
        for start in stride(from: 0, to: count, by: 1_000) {
            _ = try await queue.enqueue(Array(requests[start..<min(start + 1_000, count)]))
        }
    }

    func stats() async throws -> QueueStats { try await driver.stats(queue: queueName) }

    /// Waits until every job of the queue is finished (or `timeoutMs` passes). `progressed` sees the
    /// queue's stats at every poll (every 20 ms), so chaos is scheduled by progress, not by time, and
    /// strikes as often on a fast machine as on a slow one; `second` runs once a second, for what is
    /// about time (how long a server stays down, the Redis AOF's one-second window).
    func waitUntilDone(
        expected: Int, timeoutMs: Int64, progressed: (QueueStats) async throws -> Void = { _ in },
        second: (Int) async throws -> Void = { _ in }
    ) async throws -> QueueStats {
        let deadline = WallClock.nowMs() + timeoutMs
        var seconds = 0
        var last = WallClock.nowMs()
        while WallClock.nowMs() < deadline {
            if let s = try? await stats() {
                if s.processed + s.dead >= expected, s.ready == 0, s.leased == 0, s.delayed == 0 { return s }
                try await progressed(s)
            }
            try await Task.sleep(for: .milliseconds(20))
            if WallClock.nowMs() - last >= 1_000 {
                last = WallClock.nowMs()
                seconds += 1
                progress("t=\(seconds)s \(String(describing: try? await stats())) workers=\(workers.filter(\.isRunning).count)")
                try await second(seconds)
            }
        }
        return try await stats()
    }

    /// A line in `progress.log`, to see afterwards what a long test went through.
    func progress(_ line: String) {
        let url = directory.appendingPathComponent("progress.log")
        if let handle = try? FileHandle(forWritingTo: url) {
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            try? handle.close()
        } else {
            try? Data((line + "\n").utf8).write(to: url)
        }
    }

    /// (rows, distinct job IDs, sum of n) in the drill table for this cluster's database.
    func drillRows() async throws -> (rows: Int, jobs: Int, sum: Int) {
        let connection = try await PostgresConnection.connect(configuration: try PostgresConfiguration(url: postgres.url))
        defer { connection.close() }
        let row = try await connection.query("SELECT count(*), count(DISTINCT job_id), coalesce(sum(n), 0) FROM gantry_drill_rows").rows[0]
        return (try row.decode(0, as: Int.self), try row.decode(1, as: Int.self), try row.decode(2, as: Int.self))
    }

    /// Every finished run in the job history: the job, and when it started and ended (Unix ms).
    func runs() async throws -> [(job: JobID, start: Double, end: Double)] {
        let connection = try await PostgresConnection.connect(configuration: try PostgresConfiguration(url: postgres.url))
        defer { connection.close() }
        let result = try await connection.query(
            "SELECT job_id::text, (extract(epoch FROM started_at) * 1000)::float8, (extract(epoch FROM finished_at) * 1000)::float8 FROM job_runs")
        return try result.rows.map { row in
            let id = try #require(JobID(try row.decode(0, as: String.self)))
            return (id, try row.decode(1, as: Double.self), try row.decode(2, as: Double.self))
        }
    }

    func shutdown() async {
        for w in workers { w.terminate() }
        for w in workers { if await w.waitForExit(timeoutMs: 10_000) == nil { w.kill9() } }
        await pool.close()
        redis.stop()
        postgres.stop()
    }
}
