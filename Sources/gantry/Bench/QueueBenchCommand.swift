import ArgumentParser
import FoundationEssentials
import GantryCore
import GantryRedis
import GantryRedisQueue
import Logging

/// `gantry bench queue`: enqueue and lease+ack throughput of the Redis driver with no-op jobs.
struct QueueBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Enqueue and lease+ack throughput against Redis (no-op jobs, no workers).",
        discussion: """
            Runs against GANTRY_REDIS_URL (or --redis-url) in a queue of its own that it deletes afterwards.
            Figures: single enqueue (one job per round trip), bulk enqueue (batches), lease+ack with 1, 8 and
            64 consumers; lease+ack with 8 consumers again with the jobs spread over --groups groups (each job's
            group, as the CRM kinds' project, takes turns with the others: `lease_ack_per_s_c8_grouped` and its ratio
            to the ungrouped run, `grouped_ratio`); Redis round trips per job on the lease+ack path, and what Redis
            spends per job: its time
            executing each transition's script (INFO commandstats before and after a run of that transition alone:
            bulk enqueue, a lease-only pass that keeps its leases, then an ack-only pass over them) and its CPU over
            the 8-consumer lease+ack run (INFO cpu).
            """
    )

    @Option(help: "Redis URL; defaults to GANTRY_REDIS_URL, then the local gantry dev's Redis.")
    var redisURL: String?

    @Option(help: "Jobs for the single-enqueue run.")
    var singleJobs = 20_000

    @Option(help: "Jobs for the bulk-enqueue and lease+ack runs.")
    var jobs = 200_000

    @Option(help: "Jobs per bulk enqueue call.")
    var enqueueBatch = 1_000

    @Option(help: "Jobs per lease (and ack) call.")
    var leaseBatch = 500

    @Option(help: "Groups the grouped lease+ack run spreads its jobs over.")
    var groups = 1_000

    @OptionGroup var scale: BenchScale
    @OptionGroup var output: BenchOutput

    func run() async throws {
        let redis = try GantryEnvironment.redis(redisURL)
        let jobs = scale.size(self.jobs, quick: 20_000)
        let singleJobs = scale.size(self.singleJobs, quick: 2_000)
        let servers = BenchServers()
        // One connection per consumer at most: the 64-consumer run, like 64 workers, never waits for one.
        let pool = try await servers.redisPool(redis, size: 64)
        defer { Task { await pool.close() } }
        let driver = servers.driver(pool)
        let queue = JobQueue(driver: driver)
        let name = try BenchServers.queueName(nil)
        let request = JobRequest(kind: BuiltInKinds.noop.name, queue: name)

        output.progress("single enqueue of \(singleJobs) jobs")
        let single = try await BenchServers.seconds {
            for _ in 0..<singleJobs { _ = try await queue.enqueue(request) }
        }
        try await Self.drain(driver, name)

        output.progress("bulk enqueue of \(jobs) jobs in batches of \(enqueueBatch)")
        let beforeEnqueue = try await RedisServerStats.read(pool)
        let bulk = try await BenchServers.seconds {
            try await Self.fill(queue, request, jobs, enqueueBatch)
        }
        let enqueueMicroseconds = try await RedisServerStats.read(pool).microseconds(since: beforeEnqueue)
        output.progress("lease+ack of \(jobs) jobs, 1 consumer, batches of \(leaseBatch)")
        let (c1Calls, c1) = try await BenchServers.timed {
            try await Self.consume(driver, name, consumers: 1, batch: leaseBatch).calls
        }

        try await Self.fill(queue, request, jobs, enqueueBatch)
        output.progress("lease+ack of \(jobs) jobs, 8 consumers, batches of \(leaseBatch)")
        let beforeC8 = try await RedisServerStats.read(pool)
        let (c8Calls, c8) = try await BenchServers.timed {
            try await Self.consume(driver, name, consumers: 8, batch: leaseBatch).calls
        }
        let c8CPUMicroseconds = try await RedisServerStats.read(pool).cpuMicroseconds(since: beforeC8)

        try await Self.fill(queue, request, jobs, enqueueBatch)
        output.progress("lease+ack of \(jobs) jobs, 64 consumers, batches of \(leaseBatch)")
        let c64 = try await BenchServers.seconds {
            _ = try await Self.consume(driver, name, consumers: 64, batch: leaseBatch)
        }

        try await Self.fill(queue, request, jobs, enqueueBatch, groups: groups)
        output.progress("lease+ack of \(jobs) jobs in \(groups) groups, 8 consumers, batches of \(leaseBatch)")
        let grouped = try await BenchServers.seconds {
            _ = try await Self.consume(driver, name, consumers: 8, batch: leaseBatch)
        }

        try await Self.fill(queue, request, jobs, enqueueBatch)
        output.progress("Redis time per job: a lease-only pass, then an ack-only pass, of \(jobs) jobs")
        let transitions = try await Self.redisTimePerTransition(driver, pool, name, jobs: jobs, batch: leaseBatch)
        try await BenchServers.cleanUp(pool, queue: name)

        let result = Result(
            enqueue_single_per_s: Double(singleJobs) / single, enqueue_bulk_per_s: Double(jobs) / bulk,
            lease_ack_per_s_c1: Double(jobs) / c1, lease_ack_per_s_c8: Double(jobs) / c8,
            lease_ack_per_s_c64: Double(jobs) / c64, lease_ack_per_s_c8_grouped: Double(jobs) / grouped,
            grouped_ratio: c8 / grouped, groups: groups,
            round_trips_per_job: Double(c1Calls + c8Calls) / Double(2 * jobs),
            redis_us_per_job_enqueue: enqueueMicroseconds / Double(jobs),
            redis_us_per_job_lease: transitions.lease, redis_us_per_job_ack: transitions.ack,
            redis_us_per_job: transitions.lease + transitions.ack,
            redis_cpu_us_per_job: c8CPUMicroseconds / Double(jobs),
            jobs: jobs, lease_batch: leaseBatch, enqueue_batch: enqueueBatch)
        try output.report(result) {
            print("gantry bench queue — Redis \(redis), \(jobs) no-op jobs")
            print(Self.row("enqueue, one per call", result.enqueue_single_per_s, "jobs/s"))
            print(Self.row("enqueue, bulk (\(enqueueBatch)/call)", result.enqueue_bulk_per_s, "jobs/s"))
            print(Self.row("lease+ack, 1 consumer", result.lease_ack_per_s_c1, "jobs/s"))
            print(Self.row("lease+ack, 8 consumers", result.lease_ack_per_s_c8, "jobs/s"))
            print(Self.row("lease+ack, 64 consumers", result.lease_ack_per_s_c64, "jobs/s"))
            print(Self.row("lease+ack, 8 cons., \(groups) groups", result.lease_ack_per_s_c8_grouped, "jobs/s"))
            print(BenchOutput.line("grouped / ungrouped (8 consumers)", width: 32, Text.format(" %12.2f", result.grouped_ratio)))
            print(BenchOutput.line("Redis round trips per job", width: 32, Text.format(" %12.4f", result.round_trips_per_job)))
            func micros(_ label: String, _ value: Double) {
                print(BenchOutput.line(label, width: 32, Text.format(" %12.2f µs", value)))
            }
            micros("Redis time per job, enqueue", result.redis_us_per_job_enqueue)
            micros("Redis time per job, lease", result.redis_us_per_job_lease)
            micros("Redis time per job, ack", result.redis_us_per_job_ack)
            micros("Redis time per job, lease+ack", result.redis_us_per_job)
            micros("Redis CPU per job (8 consumers)", result.redis_cpu_us_per_job)
        }
    }

    struct Result: Codable {
        var enqueue_single_per_s: Double
        var enqueue_bulk_per_s: Double
        var lease_ack_per_s_c1: Double
        var lease_ack_per_s_c8: Double
        var lease_ack_per_s_c64: Double
        /// 8 consumers, the jobs spread over `groups` groups taking turns; and its ratio to `lease_ack_per_s_c8`.
        var lease_ack_per_s_c8_grouped: Double
        var grouped_ratio: Double
        var groups: Int
        var round_trips_per_job: Double
        /// Microseconds Redis spent executing commands, per job, in each transition measured alone.
        var redis_us_per_job_enqueue: Double
        var redis_us_per_job_lease: Double
        var redis_us_per_job_ack: Double
        /// Lease and ack together: the hot path's cost in Redis time.
        var redis_us_per_job: Double
        /// Redis' CPU (user + system) per job over the 8-consumer lease+ack run: command time plus what it spends on
        /// sockets and protocol.
        var redis_cpu_us_per_job: Double
        var jobs: Int
        var lease_batch: Int
        var enqueue_batch: Int
    }

    /// A rate in the queue and API benchmarks' column.
    static func row(_ label: String, _ value: Double, _ unit: String) -> String {
        BenchOutput.line(label, width: 32, Text.format(" %12.0f ", value) + unit)
    }

    /// Enqueues `jobs` copies of `request`; with `groups`, job i is in group `g<i mod groups>`.
    static func fill(_ queue: JobQueue, _ request: JobRequest, _ jobs: Int, _ batch: Int, groups: Int = 0) async throws {
        // Two producers, so one batch is in flight while the next is encoded.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for producer in 0..<2 {
                group.addTask {
                    var sent = producer * batch
                    while sent < jobs {
                        let n = min(batch, jobs - sent)
                        _ = try await queue.enqueue(
                            (sent..<(sent + n)).map { i in
                                var job = request
                                if groups > 0 { job.group = "g\(i % groups)" }
                                return job
                            })
                        sent += 2 * batch
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Leases and acks until the queue is empty: the jobs done and the script calls made (for round trips per job).
    static func consume(_ driver: RedisJobQueueDriver, _ name: QueueName, consumers: Int, batch: Int) async throws
        -> (jobs: Int, calls: Int)
    {
        try await withThrowingTaskGroup(of: (jobs: Int, calls: Int).self) { group in
            for c in 0..<consumers {
                group.addTask {
                    var done = 0, calls = 0
                    while true {
                        let leased = try await driver.lease(queue: name, consumer: "bench-\(c)", max: batch, leaseMs: 60_000)
                        calls += 1
                        if leased.isEmpty { return (done, calls) }
                        done += try await driver.ack(queue: name, leases: leased.map(\.lease))
                        calls += 1
                    }
                }
            }
            var jobs = 0, calls = 0
            for try await r in group {
                jobs += r.jobs
                calls += r.calls
            }
            return (jobs: jobs, calls: calls)
        }
    }

    /// Redis' command time per job for a lease-only pass over a full queue that keeps every lease, then for an
    /// ack-only pass over those leases, so neither transition's cost hides in the other's.
    static func redisTimePerTransition(
        _ driver: RedisJobQueueDriver, _ pool: RedisConnectionPool, _ name: QueueName, jobs: Int, batch: Int
    ) async throws -> (lease: Double, ack: Double) {
        let beforeLease = try await RedisServerStats.read(pool)
        var leases: [Lease] = []
        leases.reserveCapacity(jobs)
        while true {
            let leased = try await driver.lease(queue: name, consumer: "bench-transitions", max: batch, leaseMs: 600_000)
            if leased.isEmpty { break }
            leases += leased.map(\.lease)
        }
        let beforeAck = try await RedisServerStats.read(pool)
        var acked = 0
        for start in stride(from: 0, to: leases.count, by: batch) {
            acked += try await driver.ack(queue: name, leases: Array(leases[start..<min(leases.count, start + batch)]))
        }
        let afterAck = try await RedisServerStats.read(pool)
        guard leases.count == jobs, acked == jobs else {
            throw ValidationError("the transition passes leased \(leases.count) and acked \(acked) of \(jobs) jobs")
        }
        return (beforeAck.microseconds(since: beforeLease) / Double(jobs), afterAck.microseconds(since: beforeAck) / Double(jobs))
    }

    static func drain(_ driver: RedisJobQueueDriver, _ name: QueueName) async throws {
        _ = try await consume(driver, name, consumers: 2, batch: 1_000)
    }
}
