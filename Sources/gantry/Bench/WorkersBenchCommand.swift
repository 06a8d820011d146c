import ArgumentParser
import FoundationEssentials
import Glibc
import GantryCore
import GantryPostgres
import GantryRedis
import GantryRedisQueue
import Histogram
import Logging

/// `gantry bench workers`: jobs through real `gantry worker` processes, end to end (enqueue →
/// lease → run → [result row in PostgreSQL] → ack).
struct WorkersBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "End-to-end throughput, enqueue-to-start latency and memory of real worker processes.",
        discussion: """
            Needs GANTRY_REDIS_URL and a migrated GANTRY_DATABASE_URL. Starts worker processes of this binary on a
            queue of its own and reports: no-op jobs/s with no PostgreSQL write, jobs/s with a result row and a
            history row per job, enqueue-to-start latency on an idle cluster (p50/p99), and idle worker RSS.
            """)

    @OptionGroup var servers: ServerOptions

    @Option(help: "Worker processes.")
    var workers = 2

    @Option(help: "Concurrency of each worker in the throughput runs.")
    var concurrency = 256

    @Option(help: "No-op jobs in the throughput run without PostgreSQL.")
    var noopJobs = 100_000

    @Option(help: "Jobs in the run with a result row per job.")
    var pgJobs = 50_000

    @Option(help: "Jobs enqueued one at a time, 5 ms apart, for the latency run.")
    var latencyJobs = 300

    @Flag(help: "Smaller runs, for CI.")
    var quick = false

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    struct Result: Codable {
        var noop_per_s: Double
        var pg_row_per_s: Double
        var wait_p50_ms: Double
        var wait_p99_ms: Double
        var idle_rss_mb: Double
        /// Private memory (USS) of the idle worker with the most; reported when two or more workers ran, so
        /// that the binary's shared text is not counted.
        var idle_uss_mb: Double?
        var workers: Int
        var concurrency: Int
        var noop_jobs: Int
        var pg_jobs: Int
    }

    func run() async throws {
        var logger = Logger(label: "gantry.bench")
        logger.logLevel = .warning
        let redis = try GantryEnvironment.redis(servers.redisURL)
        let postgres = try GantryEnvironment.postgres(servers.databaseURL)
        // Children get the URLs as given (passwords included); they are never printed.
        let environment = [
            "GANTRY_REDIS_URL": GantryEnvironment.redisURL(servers.redisURL),
            "GANTRY_DATABASE_URL": servers.databaseURL ?? GantryEnvironment.value("GANTRY_DATABASE_URL") ?? "",
        ]
        let pool = RedisConnectionPool(configuration: redis, size: 4, logger: logger)
        let driver = RedisJobQueueDriver(pool: pool, logger: logger)
        let queue = JobQueue(driver: driver)
        let pg = try await PostgresConnection.connect(configuration: postgres, logger: logger)
        defer { pg.close() }
        do {
            try await pg.query("SELECT 1 FROM job_runs LIMIT 0")
        } catch {
            throw ValidationError("PostgreSQL at \(postgres) has no Gantry schema: run `gantry migrate` first (\(error))")
        }
        let noopJobs = quick ? min(self.noopJobs, 20_000) : self.noopJobs
        let pgJobs = quick ? min(self.pgJobs, 10_000) : self.pgJobs
        let latencyJobs = quick ? min(self.latencyJobs, 100) : self.latencyJobs
        func say(_ s: String) { if !json { Text.writeStandardError("  \(s)…\n") } }
        let run = ProcessInfo.processInfo.processIdentifier

        // Idle memory and enqueue-to-start latency, on an idle cluster.
        let latencyQueue = try QueueName("bench-latency-\(run)")
        say("idle RSS and enqueue-to-start latency (\(latencyJobs) jobs, one at a time)")
        let idle = BenchWorkers(
            count: workers, arguments: ["--queues", latencyQueue.rawValue, "--concurrency", "32", "--history", "all"],
            environment: environment)
        try await Self.waitForRegistration(pool, count: workers, queue: latencyQueue)
        try await Task.sleep(for: .seconds(2))
        let rss = idle.residentMiB().max() ?? 0
        let uss = idle.uniqueMiB().max() ?? 0
        var enqueuedAt: [JobID: Int64] = [:]
        for _ in 0..<latencyJobs {
            let t = WallClock.nowMs()
            let id = try await queue.enqueue(JobRequest(kind: "gantry.noop", queue: latencyQueue)).id
            enqueuedAt[id] = t
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Self.waitUntilProcessed(driver, latencyQueue, latencyJobs, idle)
        await idle.shutdown()
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        let started = try await pg.query(
            "SELECT job_id::text, (extract(epoch FROM started_at) * 1000)::bigint FROM job_runs WHERE queue = \(latencyQueue.rawValue)")
        for row in started.rows {
            guard let id = JobID(try row.decode(0, as: String.self)), let t0 = enqueuedAt[id] else { continue }
            let startedMs = try row.decode(1, as: Int64.self)
            histogram.record(UInt64(max(0, startedMs - t0) * 1000))
        }

        // Throughput without and with PostgreSQL.
        say("\(noopJobs) no-op jobs through \(workers) workers, no PostgreSQL write")
        let noopRate = try await throughput(
            driver: driver, queue: queue, name: try QueueName("bench-noop-\(run)"), jobs: noopJobs,
            payload: [:], history: "none", environment: environment, pool: pool)
        say("\(pgJobs) jobs through \(workers) workers, a result row and a history row each")
        let pgRate = try await throughput(
            driver: driver, queue: queue, name: try QueueName("bench-pg-\(run)"), jobs: pgJobs,
            payload: ["result": true], history: "all", environment: environment, pool: pool)
        await pool.close()

        let result = Result(
            noop_per_s: noopRate, pg_row_per_s: pgRate,
            wait_p50_ms: Double(histogram.valueAtPercentile(50)) / 1000, wait_p99_ms: Double(histogram.valueAtPercentile(99)) / 1000,
            idle_rss_mb: (rss * 10).rounded() / 10, idle_uss_mb: workers >= 2 ? (uss * 10).rounded() / 10 : nil, workers: workers, concurrency: concurrency, noop_jobs: noopJobs, pg_jobs: pgJobs)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print("gantry bench workers — \(workers) worker processes, concurrency \(concurrency)")
            print("  " + "no-op, no PostgreSQL write".padded(to: 42) + Text.format(" %10.0f jobs/s", result.noop_per_s))
            print("  " + "with a result row per job".padded(to: 42) + Text.format(" %10.0f jobs/s", result.pg_row_per_s))
            print("  " + "enqueue-to-start p50 (idle cluster)".padded(to: 42) + Text.format(" %10.1f ms", result.wait_p50_ms))
            print("  " + "enqueue-to-start p99 (idle cluster)".padded(to: 42) + Text.format(" %10.1f ms", result.wait_p99_ms))
            print("  " + "idle worker RSS".padded(to: 42) + Text.format(" %10.1f MiB", result.idle_rss_mb))
            if let uss = result.idle_uss_mb {
                print("  " + "idle worker private memory (USS)".padded(to: 42) + Text.format(" %10.1f MiB", uss))
            }
        }
    }

    /// Starts workers on an empty queue, enqueues `jobs` in bulk, and times until all are acked.
    func throughput(
        driver: RedisJobQueueDriver, queue: JobQueue, name: QueueName, jobs: Int, payload: JSONValue, history: String,
        environment: [String: String], pool: RedisConnectionPool
    ) async throws -> Double {
        let children = BenchWorkers(
            count: workers,
            arguments: ["--queues", name.rawValue, "--concurrency", String(concurrency), "--lease-batch", "200", "--history", history],
            environment: environment)
        try await Self.waitForRegistration(pool, count: workers, queue: name)
        let request = JobRequest(kind: "gantry.noop", payload: payload, queue: name)
        let start = ContinuousClock.now
        for offset in stride(from: 0, to: jobs, by: 1_000) {
            _ = try await queue.enqueue([JobRequest](repeating: request, count: min(1_000, jobs - offset)))
        }
        try await Self.waitUntilProcessed(driver, name, jobs, children)
        let elapsed = ContinuousClock.now - start
        await children.shutdown()
        return Double(jobs) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    static func waitForRegistration(_ pool: RedisConnectionPool, count: Int, queue: QueueName) async throws {
        let registry = RedisWorkerRegistry(pool: pool)
        for _ in 0..<600 {
            if try await registry.liveWorkers().filter({ $0.queues.contains(queue.rawValue) }).count >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ValidationError("the worker processes did not start within 30 s; run `gantry worker` by hand to see why")
    }

    static func waitUntilProcessed(_ driver: RedisJobQueueDriver, _ queue: QueueName, _ jobs: Int, _ children: BenchWorkers) async throws {
        var last = -1
        var lastChange = WallClock.nowMs()
        while true {
            let stats = try await driver.stats(queue: queue)
            if stats.processed + stats.dead >= jobs { return }
            if stats.processed != last {
                last = stats.processed
                lastChange = WallClock.nowMs()
            } else if WallClock.nowMs() - lastChange > 30_000 {
                throw ValidationError("no progress for 30 s at \(stats.processed) of \(jobs) jobs: \(stats)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

}
