import ArgumentParser
import FoundationEssentials
import GantryCoordinator
import GantryCore
import GantryDomain
import GantryKinds
import GantryPostgres
import GantryPostgresStore
import GantryRedis
import GantryRedisQueue
import Logging

/// `gantry bench scale`: whether the work a queue and a coordinator do grows with what they hold.
struct ScaleBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Enqueue and lease+ack with a deep backlog, Redis memory per queued job, and the coordinator's round with many projects.",
        discussion: """
            Needs GANTRY_REDIS_URL and a migrated GANTRY_DATABASE_URL. Queue figures come from queues of its own, \
            deleted afterwards: bulk enqueue and lease+ack (8 consumers) of --jobs no-op jobs on an empty queue, \
            then again in a queue already holding --backlog jobs (the lease+ack run drains the whole queue, \
            backlog included, so its rate is the mean over every depth from the backlog down to zero). Redis \
            memory per queued job is INFO memory's used_memory before and after the backlog, over its jobs.
            The coordinator figure seeds --projects active projects (copies of one made the ordinary way, under a \
            throwaway client deleted afterwards), takes the leader lock for the run (so no coordinator may lead \
            on these servers meanwhile) and times --ticks rounds of every duty `gantry coordinator` runs.
            """)

    @OptionGroup var servers: ServerOptions

    @Option(help: "Jobs enqueued and leased+acked on the empty queue, and enqueued on top of the backlog.")
    var jobs = 200_000

    @Option(help: "Jobs already queued for the backlog runs.")
    var backlog = 1_000_000

    @Option(help: "Open projects the coordinator tracks.")
    var projects = 10_000

    @Option(help: "Coordinator rounds timed.")
    var ticks = 5

    @OptionGroup var scale: BenchScale
    @OptionGroup var output: BenchOutput

    static let enqueueBatch = 1_000
    static let leaseBatch = 500
    static let consumers = 8

    struct Result: Codable {
        var enqueue_per_s_empty: Double
        var enqueue_per_s_backlog: Double
        var lease_ack_per_s_empty: Double
        var lease_ack_per_s_backlog: Double
        var backlog: Int
        var jobs: Int
        var redis_bytes_per_queued_job: Double
        /// One round of every duty, one after another.
        var coordinator_tick_ms_p50: Double
        var coordinator_tick_ms_max: Double
        /// The part of a round that reads every open project: the at-risk review.
        var coordinator_risk_review_ms_p50: Double
        var projects: Int
        var ticks: Int
    }

    func validate() throws {
        guard jobs >= 1, backlog >= 1, projects >= 1, ticks >= 1 else {
            throw ValidationError("--jobs, --backlog, --projects and --ticks must be at least 1")
        }
    }

    func run() async throws {
        let jobs = scale.size(self.jobs, quick: 20_000)
        let backlog = scale.size(self.backlog, quick: 100_000)
        let projects = scale.size(self.projects, quick: 1_000)
        let ticks = scale.size(self.ticks, quick: 3)
        let bench = BenchServers()
        let redis = try await bench.redisPool(try GantryEnvironment.redis(servers.redisURL), size: 10)
        let pg = try await bench.postgresPool(try GantryEnvironment.postgres(servers.databaseURL), size: 4, requiring: "coordinator_fence")
        defer {
            Task {
                await redis.close()
                await pg.close()
            }
        }
        let queueFigures = try await queueRuns(redis, jobs: jobs, backlog: backlog)
        let rounds = try await coordinatorRounds(redis: redis, postgres: pg, projects: projects, ticks: ticks)

        let result = Result(
            enqueue_per_s_empty: queueFigures.enqueueEmpty, enqueue_per_s_backlog: queueFigures.enqueueBacklog,
            lease_ack_per_s_empty: queueFigures.leaseAckEmpty, lease_ack_per_s_backlog: queueFigures.leaseAckBacklog,
            backlog: backlog, jobs: jobs, redis_bytes_per_queued_job: queueFigures.bytesPerJob,
            coordinator_tick_ms_p50: SuiteSummary.median(rounds.map(\.total)), coordinator_tick_ms_max: rounds.map(\.total).max() ?? 0,
            coordinator_risk_review_ms_p50: SuiteSummary.median(rounds.map(\.riskReview)), projects: projects, ticks: ticks)
        try output.report(result) {
            func line(_ label: String, _ figure: String) { print(BenchOutput.line(label, width: 44, figure)) }
            print("gantry bench scale — \(jobs) no-op jobs beside a backlog of \(backlog); \(projects) projects")
            line("bulk enqueue, empty queue", Text.format(" %10.0f jobs/s", result.enqueue_per_s_empty))
            line("bulk enqueue, \(backlog) queued", Text.format(" %10.0f jobs/s", result.enqueue_per_s_backlog))
            line("lease+ack, empty queue", Text.format(" %10.0f jobs/s", result.lease_ack_per_s_empty))
            line("lease+ack, draining \(backlog + jobs)", Text.format(" %10.0f jobs/s", result.lease_ack_per_s_backlog))
            line("Redis memory per queued job", Text.format(" %10.0f bytes", result.redis_bytes_per_queued_job))
            line("coordinator round p50 (\(ticks) rounds)", Text.format(" %10.1f ms", result.coordinator_tick_ms_p50))
            line("coordinator round max", Text.format(" %10.1f ms", result.coordinator_tick_ms_max))
            line("  of which the risk review, p50", Text.format(" %10.1f ms", result.coordinator_risk_review_ms_p50))
        }
    }

    struct QueueRuns {
        var enqueueEmpty: Double
        var leaseAckEmpty: Double
        var enqueueBacklog: Double
        var leaseAckBacklog: Double
        var bytesPerJob: Double
    }

    /// The enqueue and lease+ack rates on an empty queue and on one holding `backlog` jobs, and the
    /// Redis memory the backlog took.
    func queueRuns(_ pool: RedisConnectionPool, jobs: Int, backlog: Int) async throws -> QueueRuns {
        let driver = BenchServers().driver(pool)
        let queue = JobQueue(driver: driver)
        let empty = try BenchServers.queueName("scale-empty")
        let deep = try BenchServers.queueName("scale-backlog")
        do {
            output.progress("bulk enqueue and lease+ack of \(jobs) jobs on an empty queue")
            let request = JobRequest(kind: BuiltInKinds.noop.name, queue: empty)
            let enqueueEmpty = try await BenchServers.seconds {
                try await QueueBenchCommand.fill(queue, request, jobs, Self.enqueueBatch)
            }
            let leaseAckEmpty = try await BenchServers.seconds {
                _ = try await QueueBenchCommand.consume(driver, empty, consumers: Self.consumers, batch: Self.leaseBatch)
            }
            try await BenchServers.cleanUp(pool, queue: empty)

            output.progress("a backlog of \(backlog) jobs")
            let deepRequest = JobRequest(kind: BuiltInKinds.noop.name, queue: deep)
            let before = try await Self.usedMemory(pool)
            try await QueueBenchCommand.fill(queue, deepRequest, backlog, Self.enqueueBatch)
            let after = try await Self.usedMemory(pool)
            output.progress("bulk enqueue of \(jobs) jobs and lease+ack of all \(backlog + jobs) behind the backlog")
            let enqueueBacklog = try await BenchServers.seconds {
                try await QueueBenchCommand.fill(queue, deepRequest, jobs, Self.enqueueBatch)
            }
            let drained = try await BenchServers.timed {
                try await QueueBenchCommand.consume(driver, deep, consumers: Self.consumers, batch: Self.leaseBatch).jobs
            }
            try await BenchServers.cleanUp(pool, queue: deep)
            return QueueRuns(
                enqueueEmpty: Double(jobs) / enqueueEmpty, leaseAckEmpty: Double(jobs) / leaseAckEmpty,
                enqueueBacklog: Double(jobs) / enqueueBacklog, leaseAckBacklog: Double(drained.value) / drained.seconds,
                bytesPerJob: Double(after - before) / Double(backlog))
        } catch {
            try? await BenchServers.cleanUp(pool, queue: empty)
            try? await BenchServers.cleanUp(pool, queue: deep)
            throw error
        }
    }

    /// Redis's `used_memory` once the memory of keys unlinked earlier has been freed (`UNLINK` frees it
    /// in the background, which would otherwise count against the next figure).
    static func usedMemory(_ pool: RedisConnectionPool) async throws -> Int {
        for _ in 0..<500 {
            let info = try await pool.send(["INFO", "memory"]).string ?? ""
            guard let used = Text.field("used_memory", in: info).flatMap({ Int($0) }) else {
                throw ValidationError("Redis' INFO memory has no used_memory field; is this a Redis server?")
            }
            if Text.field("lazyfree_pending_objects", in: info).flatMap({ Int($0) }) ?? 0 == 0 { return used }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ValidationError("Redis was still freeing unlinked keys after 10 s (lazyfree_pending_objects > 0); run again")
    }

    /// One timed round of every coordinator duty.
    struct Round {
        var total: Double
        var riskReview: Double
    }

    /// Seeds `projects`, takes the leader lock and times `ticks` rounds of the leader's duties; removes the
    /// projects and gives the lock back whatever happens.
    func coordinatorRounds(redis: RedisConnectionPool, postgres: PostgresConnectionPool, projects: Int, ticks: Int) async throws -> [Round] {
        output.progress("seeding \(projects) projects")
        let seeded = try await BenchProjects.seed(projects, in: postgres)
        let store = GantryStore(pool: postgres)
        let lock = RedisLeaderLock(pool: redis)
        let holder = "gantry-bench-\(ProcessInfo.processInfo.processIdentifier)"
        // A round with many projects takes seconds: the lock lasts well past one and is renewed before each.
        let ttl = Duration.seconds(300)
        var token: UInt64?
        do {
            token = try await Self.acquire(lock, holder: holder, ttl: ttl)
            let term = LeaderTerm(token: token!, coordinatorID: holder)
            let logger = BenchServers().logger
            // The leader's own driver (key prefix `gantry:`): while it holds the lock this process is the leader.
            let driver = RedisJobQueueDriver(pool: redis, configuration: try GantryEnvironment.queueDriver(), logger: logger)
            let duties = Coordinator.standardDuties(
                driver: driver, store: store, kinds: GantryKinds.registry, metrics: CoordinatorMetrics(),
                slipRule: .standard, logger: logger)
            output.progress("\(ticks) coordinator rounds")
            var rounds: [Round] = []
            for _ in 0..<ticks {
                guard try await lock.renew(holder: holder, token: term.token, ttl: ttl) else {
                    throw ValidationError("the benchmark lost the coordinator's leader lock; was it deleted by hand?")
                }
                var round = Round(total: 0, riskReview: 0)
                for duty in duties {
                    let ms = try await BenchServers.seconds { try await duty.perform(in: term) } * 1000
                    round.total += ms
                    if duty is RiskReviewDuty { round.riskReview += ms }
                }
                rounds.append(round)
            }
            try await lock.release(holder: holder, token: term.token)
            try await seeded.remove(from: postgres)
            return rounds
        } catch {
            if let token { try? await lock.release(holder: holder, token: token) }
            try? await seeded.remove(from: postgres)
            throw error
        }
    }

    /// The leader lock, waiting out one left by a coordinator that just stopped (it expires within seconds).
    static func acquire(_ lock: RedisLeaderLock, holder: String, ttl: Duration) async throws -> UInt64 {
        for _ in 0..<50 {
            if let token = try await lock.acquire(holder: holder, ttl: ttl) { return token }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ValidationError(
            "a coordinator leads on these servers (\(RedisLeaderLock.lockKey) is held): stop it, or run the benchmark on servers of its own")
    }

}
