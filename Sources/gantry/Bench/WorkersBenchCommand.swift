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
            Needs GANTRY_REDIS_URL and a migrated GANTRY_DATABASE_URL. Starts worker processes of this binary on \
            queues of its own and reports: no-op jobs/s with no PostgreSQL write with 1, 2 and 4 processes and \
            with --workers; jobs/s with a result row and a history row per job, and its ratio to the no-op \
            figure; enqueue-to-start latency (p50/p90/p99/max) on an idle cluster and with no-op jobs arriving \
            at half the no-op throughput in the same queue (these workers record history, which is where the \
            start times come from); worker RSS and private memory (USS) idle and during the no-op run.
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

    /// Worker processes of the scaling curve (`noop_per_s_w1`, `_w2`, `_w4`).
    static let curve = [1, 2, 4]

    struct Result: Codable {
        /// With `--workers` processes (the curve's run of that size when it has one).
        var noop_per_s: Double
        var noop_per_s_w1: Double
        var noop_per_s_w2: Double
        var noop_per_s_w4: Double
        var pg_row_per_s: Double
        /// `pg_row_per_s / noop_per_s`: what a PostgreSQL row per job costs, as a fraction kept.
        var pg_row_ratio: Double
        var wait_p50_ms: Double
        var wait_p90_ms: Double
        var wait_p99_ms: Double
        var wait_max_ms: Double
        /// Enqueue-to-start with no-op jobs arriving at half `noop_per_s` in the same queue.
        var loaded_wait_p50_ms: Double
        var loaded_wait_p90_ms: Double
        var loaded_wait_p99_ms: Double
        var loaded_wait_max_ms: Double
        /// The background load actually enqueued during the loaded run, jobs/s.
        var load_per_s: Double
        var idle_rss_mb: Double
        /// Private memory (USS) of the idle worker with the most; reported when two or more workers ran, so
        /// that the binary's shared text is not counted.
        var idle_uss_mb: Double?
        /// The most any worker had at any sample (every 100 ms) of the `--workers` no-op throughput run.
        var busy_rss_mb: Double
        var busy_uss_mb: Double?
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
        let run = Run(driver: driver, queue: queue, pool: pool, environment: environment, arguments: metricsArguments)

        // Throughput without PostgreSQL on the curve (and at --workers), then with a row per job.
        var noopRates: [Int: Double] = [:]
        var busy = BenchWorkers.Memory()
        for count in Set(Self.curve + [workers]).sorted() {
            output.progress("\(noopJobs) no-op jobs through \(count) worker\(count == 1 ? "" : "s"), no PostgreSQL write")
            let figures = try await run.throughput(
                workers: count, concurrency: concurrency, name: try BenchServers.queueName("noop\(count)"), jobs: noopJobs,
                payload: [:], history: "none", sampleMemory: count == workers)
            noopRates[count] = figures.rate
            if count == workers { busy = figures.peak }
        }
        let noopRate = noopRates[workers]!
        output.progress("\(pgJobs) jobs through \(workers) workers, a result row and a history row each")
        let pgRate = try await run.throughput(
            workers: workers, concurrency: concurrency, name: try BenchServers.queueName("pg"), jobs: pgJobs,
            payload: ["result": true], history: "all", sampleMemory: false
        ).rate

        // Idle memory and enqueue-to-start latency, idle then under half the no-op throughput. Start times come
        // from the workers' history (job_runs), so these workers record it.
        let latencyQueue = try BenchServers.queueName("latency")
        output.progress("idle memory and enqueue-to-start latency (\(latencyJobs) jobs, one at a time)")
        let children = BenchWorkers(
            count: workers, arguments: ["--queues", latencyQueue.rawValue, "--concurrency", "32", "--history", "all"] + metricsArguments,
            environment: environment)
        try await Self.waitForRegistration(pool, count: workers, queue: latencyQueue)
        try await Task.sleep(for: .seconds(2))
        let idle = children.memory()
        let idleProbes = try await run.probe(latencyJobs, queue: latencyQueue)
        try await Self.waitUntilProcessed(driver, latencyQueue, latencyJobs, children)
        output.progress("enqueue-to-start latency under \(Int(noopRate / 2)) no-op jobs/s")
        let (loadedProbes, load) = try await run.probe(latencyJobs, queue: latencyQueue, underLoad: noopRate / 2)
        try await Self.waitUntilProcessed(driver, latencyQueue, 2 * latencyJobs + load.jobs, children)
        await children.shutdown()
        let waits = try await Self.waits(pg, queue: latencyQueue, [idleProbes, loadedProbes])
        await pool.close()
        await pg.close()

        func ms(_ h: Histogram<UInt64>, _ p: Double) -> Double { Double(h.valueAtPercentile(p)) / 1000 }
        func mb(_ x: Double) -> Double { (x * 10).rounded() / 10 }
        let (idleWaits, loadedWaits) = (waits[0], waits[1])
        let result = Result(
            noop_per_s: noopRate, noop_per_s_w1: noopRates[1]!, noop_per_s_w2: noopRates[2]!, noop_per_s_w4: noopRates[4]!,
            pg_row_per_s: pgRate, pg_row_ratio: pgRate / noopRate,
            wait_p50_ms: ms(idleWaits, 50), wait_p90_ms: ms(idleWaits, 90), wait_p99_ms: ms(idleWaits, 99),
            wait_max_ms: Double(idleWaits.maxRecorded) / 1000,
            loaded_wait_p50_ms: ms(loadedWaits, 50), loaded_wait_p90_ms: ms(loadedWaits, 90), loaded_wait_p99_ms: ms(loadedWaits, 99),
            loaded_wait_max_ms: Double(loadedWaits.maxRecorded) / 1000, load_per_s: load.rate,
            idle_rss_mb: mb(idle.rss), idle_uss_mb: workers >= 2 ? mb(idle.uss) : nil,
            busy_rss_mb: mb(busy.rss), busy_uss_mb: workers >= 2 ? mb(busy.uss) : nil,
            workers: workers, concurrency: concurrency, worker_metrics: workerMetrics, noop_jobs: noopJobs, pg_jobs: pgJobs)
        try output.report(result) {
            func line(_ label: String, _ figure: String) { print(BenchOutput.line(label, width: 42, figure)) }
            print("gantry bench workers — \(workers) worker processes, concurrency \(concurrency)\(workerMetrics ? ", metrics on" : "")")
            line("no-op, no PostgreSQL write", Text.format(" %10.0f jobs/s", result.noop_per_s))
            line("no-op with 1 / 2 / 4 workers", Text.format(" %10.0f / %.0f / %.0f jobs/s", result.noop_per_s_w1, result.noop_per_s_w2, result.noop_per_s_w4))
            line("with a result row per job", Text.format(" %10.0f jobs/s (%.2f of no-op)", result.pg_row_per_s, result.pg_row_ratio))
            line("enqueue-to-start, idle: p50 / p90", Text.format(" %10.2f / %.2f ms", result.wait_p50_ms, result.wait_p90_ms))
            line("                        p99 / max", Text.format(" %10.2f / %.2f ms", result.wait_p99_ms, result.wait_max_ms))
            line("at \(Int(result.load_per_s)) jobs/s: p50 / p90", Text.format(" %10.2f / %.2f ms", result.loaded_wait_p50_ms, result.loaded_wait_p90_ms))
            line("                        p99 / max", Text.format(" %10.2f / %.2f ms", result.loaded_wait_p99_ms, result.loaded_wait_max_ms))
            line("worker RSS, idle / busy", Text.format(" %10.1f / %.1f MiB", result.idle_rss_mb, result.busy_rss_mb))
            if let idle = result.idle_uss_mb, let busy = result.busy_uss_mb {
                line("worker private memory (USS), idle / busy", Text.format(" %10.1f / %.1f MiB", idle, busy))
            }
        }
    }

    /// Each probe's enqueue-to-start wait in µs (start from the workers' `job_runs`), one histogram per set.
    static func waits(_ pg: PostgresConnectionPool, queue: QueueName, _ probes: [[JobID: Int64]]) async throws -> [Histogram<UInt64>] {
        var histograms = probes.map { _ in Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three) }
        let started = try await pg.query(
            "SELECT job_id::text, (extract(epoch FROM started_at) * 1000)::bigint FROM job_runs WHERE queue = \(queue.rawValue)")
        for row in started.rows {
            guard let id = JobID(try row.decode(0, as: String.self)), let set = probes.firstIndex(where: { $0[id] != nil }) else { continue }
            let startedMs = try row.decode(1, as: Int64.self)
            histograms[set].record(UInt64(max(0, startedMs - probes[set][id]!) * 1000))
        }
        return histograms
    }

    /// What the runs share: the servers, the children's environment and their extra arguments.
    struct Run {
        let driver: RedisJobQueueDriver
        let queue: JobQueue
        let pool: RedisConnectionPool
        let environment: [String: String]
        let arguments: [String]

        /// Starts `workers` workers on an empty queue, enqueues `jobs` in bulk, and times until all are acked;
        /// with `sampleMemory`, also the most memory any worker had meanwhile.
        func throughput(
            workers: Int, concurrency: Int, name: QueueName, jobs: Int, payload: JSONValue, history: String, sampleMemory: Bool
        ) async throws -> (rate: Double, peak: BenchWorkers.Memory) {
            let children = BenchWorkers(
                count: workers,
                arguments: ["--queues", name.rawValue, "--concurrency", String(concurrency), "--lease-batch", "200", "--history", history]
                    + arguments,
                environment: environment)
            try await WorkersBenchCommand.waitForRegistration(pool, count: workers, queue: name)
            let sampler = sampleMemory ? children.sampleMemory(every: .milliseconds(100)) : nil
            let request = JobRequest(kind: "gantry.noop", payload: payload, queue: name)
            let elapsed = try await BenchServers.seconds {
                for offset in stride(from: 0, to: jobs, by: 1_000) {
                    _ = try await queue.enqueue([JobRequest](repeating: request, count: min(1_000, jobs - offset)))
                }
                try await WorkersBenchCommand.waitUntilProcessed(driver, name, jobs, children)
            }
            sampler?.cancel()
            let peak = await sampler?.value ?? BenchWorkers.Memory()
            await children.shutdown()
            return (Double(jobs) / elapsed, peak)
        }

        /// Enqueues `count` no-op jobs one at a time, 5 ms apart: when each was enqueued (ms since the epoch).
        func probe(_ count: Int, queue name: QueueName) async throws -> [JobID: Int64] {
            var enqueuedAt: [JobID: Int64] = [:]
            for _ in 0..<count {
                let t = WallClock.nowMs()
                let id = try await queue.enqueue(JobRequest(kind: "gantry.noop", queue: name)).id
                enqueuedAt[id] = t
                try await Task.sleep(for: .milliseconds(5))
            }
            return enqueuedAt
        }

        /// The probes of ``probe(_:queue:)`` while no-op jobs arrive in the same queue at `rate` per second, from
        /// half a second before the first probe until past the last (the load runs for twice the probes' 5 ms
        /// spacing each, and is never cancelled mid-enqueue); the load's jobs and the rate it reached.
        func probe(_ count: Int, queue name: QueueName, underLoad rate: Double) async throws
            -> (probes: [JobID: Int64], load: (jobs: Int, rate: Double))
        {
            let request = JobRequest(kind: "gantry.noop", queue: name)
            let duration = Duration.milliseconds(500 + 10 * count)
            let load = Task { [queue] in
                let start = ContinuousClock.now
                var sent = 0
                // Small bulk enqueues every millisecond, as many as the rate owes so far: a steady stream, not bursts.
                while ContinuousClock.now - start < duration {
                    let due = Int(rate * (ContinuousClock.now - start).seconds)
                    if due > sent {
                        let n = min(due - sent, 1_000)
                        _ = try await queue.enqueue([JobRequest](repeating: request, count: n))
                        sent += n
                    }
                    try await Task.sleep(for: .milliseconds(1))
                }
                return (jobs: sent, rate: Double(sent) / (ContinuousClock.now - start).seconds)
            }
            do {
                try await Task.sleep(for: .milliseconds(500))
                let probes = try await probe(count, queue: name)
                return (probes, try await load.value)
            } catch {
                load.cancel()
                throw error
            }
        }
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
