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

    @Flag(help: "Workers serve /metrics (each on a free port), to measure what metrics cost.")
    var workerMetrics = false

    /// What every worker child gets besides its queue and load.
    var metricsArguments: [String] { workerMetrics ? ["--metrics-port", "0"] : [] }

    @OptionGroup var scale: BenchScale
    @OptionGroup var output: BenchOutput

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
        var worker_metrics: Bool
        var noop_jobs: Int
        var pg_jobs: Int
    }

    func run() async throws {
        let bench = BenchServers()
        // Children get the URLs as given (passwords included); they are never printed.
        let environment = [
            "GANTRY_REDIS_URL": GantryEnvironment.redisURL(servers.redisURL),
            "GANTRY_DATABASE_URL": servers.databaseURL ?? GantryEnvironment.value("GANTRY_DATABASE_URL") ?? "",
        ]
        let pool = try await bench.redisPool(try GantryEnvironment.redis(servers.redisURL), size: 4)
        // The workers run with the default key prefix, so the driver here must too.
        let driver = RedisJobQueueDriver(pool: pool, logger: bench.logger)
        let queue = JobQueue(driver: driver)
        let pg = try await bench.postgresPool(try GantryEnvironment.postgres(servers.databaseURL), size: 1, requiring: "job_runs")
        let noopJobs = scale.size(self.noopJobs, quick: 20_000)
        let pgJobs = scale.size(self.pgJobs, quick: 10_000)
        let latencyJobs = scale.size(self.latencyJobs, quick: 100)

        // Idle memory and enqueue-to-start latency, on an idle cluster.
        let latencyQueue = try BenchServers.queueName("latency")
        output.progress("idle RSS and enqueue-to-start latency (\(latencyJobs) jobs, one at a time)")
        let idle = BenchWorkers(
            count: workers, arguments: ["--queues", latencyQueue.rawValue, "--concurrency", "32", "--history", "all"] + metricsArguments,
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
        output.progress("\(noopJobs) no-op jobs through \(workers) workers, no PostgreSQL write")
        let noopRate = try await throughput(
            driver: driver, queue: queue, name: try BenchServers.queueName("noop"), jobs: noopJobs,
            payload: [:], history: "none", environment: environment, pool: pool)
        output.progress("\(pgJobs) jobs through \(workers) workers, a result row and a history row each")
        let pgRate = try await throughput(
            driver: driver, queue: queue, name: try BenchServers.queueName("pg"), jobs: pgJobs,
            payload: ["result": true], history: "all", environment: environment, pool: pool)
        await pool.close()
        await pg.close()

        let result = Result(
            noop_per_s: noopRate, pg_row_per_s: pgRate,
            wait_p50_ms: Double(histogram.valueAtPercentile(50)) / 1000, wait_p99_ms: Double(histogram.valueAtPercentile(99)) / 1000,
            idle_rss_mb: (rss * 10).rounded() / 10, idle_uss_mb: workers >= 2 ? (uss * 10).rounded() / 10 : nil, workers: workers, concurrency: concurrency, worker_metrics: workerMetrics, noop_jobs: noopJobs, pg_jobs: pgJobs)
        try output.report(result) {
            func line(_ label: String, _ figure: String) { print(BenchOutput.line(label, width: 42, figure)) }
            print("gantry bench workers — \(workers) worker processes, concurrency \(concurrency)\(workerMetrics ? ", metrics on" : "")")
            line("no-op, no PostgreSQL write", Text.format(" %10.0f jobs/s", result.noop_per_s))
            line("with a result row per job", Text.format(" %10.0f jobs/s", result.pg_row_per_s))
            line("enqueue-to-start p50 (idle cluster)", Text.format(" %10.1f ms", result.wait_p50_ms))
            line("enqueue-to-start p99 (idle cluster)", Text.format(" %10.1f ms", result.wait_p99_ms))
            line("idle worker RSS", Text.format(" %10.1f MiB", result.idle_rss_mb))
            if let uss = result.idle_uss_mb { line("idle worker private memory (USS)", Text.format(" %10.1f MiB", uss)) }
        }
    }

    /// Starts workers on an empty queue, enqueues `jobs` in bulk, and times until all are acked.
    func throughput(
        driver: RedisJobQueueDriver, queue: JobQueue, name: QueueName, jobs: Int, payload: JSONValue, history: String,
        environment: [String: String], pool: RedisConnectionPool
    ) async throws -> Double {
        let children = BenchWorkers(
            count: workers,
            arguments: ["--queues", name.rawValue, "--concurrency", String(concurrency), "--lease-batch", "200", "--history", history]
                + metricsArguments,
            environment: environment)
        try await Self.waitForRegistration(pool, count: workers, queue: name)
        let request = JobRequest(kind: "gantry.noop", payload: payload, queue: name)
        let elapsed = try await BenchServers.seconds {
            for offset in stride(from: 0, to: jobs, by: 1_000) {
                _ = try await queue.enqueue([JobRequest](repeating: request, count: min(1_000, jobs - offset)))
            }
            try await Self.waitUntilProcessed(driver, name, jobs, children)
        }
        await children.shutdown()
        return Double(jobs) / elapsed
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
