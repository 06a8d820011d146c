import Foundation
import GantryCore
import GantryRedisQueue
import GantryTesting
import Testing

/// The real `gantry worker` binary against real servers, under SIGKILL and server restarts.
/// Serialized: each test already loads both cores.
@Suite("Cluster", .serialized)
struct ChaosTests {
    static let jobs = 20_000

    @Test
    func twentyThousandJobsSurviveAWorkerKilledEverySecondWithNoLossAndNoDuplicate() async throws {
        let cluster = try await Cluster("chaos-kill")
        try await cluster.enqueueDrill(Self.jobs)
        for _ in 0..<4 { try cluster.startWorker() }
        // A worker dies at every 5 % of the work, so the chaos is the same on a fast machine and a slow one.
        var processedAtKill: [Int] = []
        let stats = try await cluster.waitUntilDone(expected: Self.jobs, timeoutMs: 240_000, progressed: { s in
            guard processedAtKill.count < 19, s.processed >= (processedAtKill.count + 1) * Self.jobs / 20 else { return }
            cluster.workers.filter(\.isRunning).randomElement()?.kill9()
            processedAtKill.append(s.processed)
            try cluster.startWorker()
        })
        let rows = try await cluster.drillRows()
        await cluster.shutdown()
        #expect(processedAtKill.count >= 5 && processedAtKill.allSatisfy { $0 < Self.jobs },
                "kills must land while work remains: \(processedAtKill)")
        #expect(stats.processed == Self.jobs && stats.dead == 0 && stats.ready == 0 && stats.leased == 0 && stats.delayed == 0)
        #expect(rows.rows == Self.jobs && rows.jobs == Self.jobs)
        #expect(rows.sum == (0..<Self.jobs).reduce(0, +))
    }

    @Test
    func twentyThousandJobsSurvivePostgresAndRedisRestartsMidRun() async throws {
        let cluster = try await Cluster("chaos-restart")
        try await cluster.enqueueDrill(Self.jobs)
        for _ in 0..<4 { try cluster.startWorker() }
        var restartedPostgres = false, restartedRedis = false, kills = 0
        // Restarts at a quarter and at half of the work, a worker killed at every tenth: by progress, not time.
        let stats = try await cluster.waitUntilDone(expected: Self.jobs, timeoutMs: 240_000, progressed: { s in
            if !restartedPostgres, s.processed >= Self.jobs / 4 {
                try cluster.postgres.restart()
                restartedPostgres = true
            } else if restartedPostgres, !restartedRedis, s.processed >= Self.jobs / 2 {
                try cluster.redis.restart()
                restartedRedis = true
            } else if s.processed >= (kills + 1) * Self.jobs / 10, let victim = cluster.workers.filter(\.isRunning).randomElement() {
                victim.kill9()
                kills += 1
                try cluster.startWorker()
            }
        })
        let rows = try await cluster.drillRows()
        await cluster.shutdown()
        #expect(restartedPostgres && restartedRedis)
        #expect(stats.processed == Self.jobs && stats.dead == 0 && stats.ready == 0 && stats.leased == 0 && stats.delayed == 0)
        #expect(rows.rows == Self.jobs && rows.jobs == Self.jobs)
    }

    /// A server crash the chaos schedule causes, and how the server comes back (same port, same data).
    private struct Crash {
        let name: String
        /// Processed jobs after which it strikes, so it lands while workers are busy.
        let afterProcessed: Int
        /// Given the Redis AOF's end one tick (about a second) earlier; says what it did.
        let strike: (TestRedisServer.AppendOnlyMark?) -> String
        let recover: () throws -> Void
    }

    /// Redis dies twice as in a host crash under production's AOF (`appendfsync everysec`): SIGKILL, and the
    /// AOF cut back to where it ended a second earlier, the writes a crash can lose though Redis acknowledged
    /// them. PostgreSQL dies twice by `pg_ctl stop -m immediate`. In turn, while four workers run and one of
    /// them is killed every few seconds; each server comes back on its port with its data (AOF reload, WAL
    /// crash recovery).
    ///
    /// The guarantee covers jobs enqueued before that last second, so every job is on disk (a finished AOF
    /// rewrite) before the first crash. What a crash still loses is leases, acks and retries of its last
    /// second; those only make jobs run again, which the ledger absorbs, so the table must still end with
    /// exactly one row per job and the queue with every job acked and none dead.
    @Test
    func jobsSurviveRedisSigkillUnderEverysecAndPostgresImmediateStopWithOneRowEachAndNoneDead() async throws {
        let jobs = Self.jobs
        let cluster = try await Cluster("chaos-crash", redisFsync: .everysec)
        try await cluster.enqueueDrill(jobs)
        try await cluster.redis.persistAppendOnlyFile()
        for _ in 0..<4 { try cluster.startWorker() }
        let redis = cluster.redis, postgres = cluster.postgres
        var bytesCut: [Int] = []
        let redisKill = { (after: Int) in
            Crash(name: "redis SIGKILL", afterProcessed: after, strike: { mark in
                bytesCut.append(redis.crashLosingWrites(after: mark))
                return "cut \(bytesCut.last!) bytes of AOF"
            }, recover: redis.restart)
        }
        let postgresStop = { (after: Int) in
            Crash(name: "postgres immediate stop", afterProcessed: after, strike: { _ in
                postgres.stopImmediately()
                return "stopped"
            }, recover: postgres.restart)
        }
        let crashes = [redisKill(jobs / 6), postgresStop(2 * jobs / 6), redisKill(3 * jobs / 6), postgresStop(4 * jobs / 6)]
        var next = 0
        var down: Crash?
        var processedAtCrash: [Int] = []
        // The AOF's end one and two seconds ago: a crash cuts back to the older, 1–2 s of acknowledged writes.
        var marks: (older: TestRedisServer.AppendOnlyMark?, newer: TestRedisServer.AppendOnlyMark?)
        marks = (redis.appendOnlyMark(), redis.appendOnlyMark())
        var kills = 0
        let stats = try await cluster.waitUntilDone(expected: jobs, timeoutMs: 180_000, progressed: { s in
            // Crashes and kills by progress, so they land while work remains on a fast machine and a slow one.
            guard down == nil else { return }
            if next < crashes.count, s.processed >= crashes[next].afterProcessed {
                let crash = crashes[next]
                next += 1
                processedAtCrash.append(s.processed)
                let what = crash.strike(marks.older)
                cluster.progress("\(crash.name) at \(s.processed) processed: \(what)")
                down = crash
            } else if s.processed >= (kills + 1) * jobs / 8, let victim = cluster.workers.filter(\.isRunning).randomElement() {
                victim.kill9()
                kills += 1
                try cluster.startWorker()
            }
        }, second: { _ in
            marks = (marks.newer, redis.appendOnlyMark())
            if let crash = down {
                // Down until the next second's tick: past the AOF's one-second window, about one 2 s lease.
                try crash.recover()
                down = nil
                // Read at once, before the workers get far: a count below the one at the kill shows acks the
                // AOF's last seconds lost (and that the run re-does).
                let processed = (try? await cluster.stats().processed).map(String.init) ?? "?"
                cluster.progress("recovered from \(crash.name): \(processed) processed")
            }
        })
        if let crash = down { try crash.recover() }
        let rows = try await cluster.drillRows()
        let redisLog = redis.serverLogText, postgresLog = postgres.serverLogText
        await cluster.shutdown()
        #expect(next == crashes.count, "only \(next) of \(crashes.count) crashes happened before the run ended")
        #expect(processedAtCrash.allSatisfy { $0 < jobs }, "a crash came after the work was done: \(processedAtCrash)")
        #expect(!bytesCut.isEmpty && bytesCut.allSatisfy { $0 > 0 }, "a Redis crash lost no acknowledged writes: \(bytesCut)")
        #expect(redisLog.components(separatedBy: "DB loaded from append only file").count - 1
                    == crashes.filter { $0.name == "redis SIGKILL" }.count,
                "Redis did not reload its AOF after each kill")
        #expect(postgresLog.components(separatedBy: "automatic recovery in progress").count - 1
                    == crashes.filter { $0.name == "postgres immediate stop" }.count,
                "PostgreSQL did not run crash recovery; its log (\(postgresLog.utf8.count) bytes) ends: \(postgresLog.suffix(800))")
        #expect(stats.processed == jobs && stats.dead == 0 && stats.ready == 0 && stats.leased == 0 && stats.delayed == 0,
                "\(stats); worker logs and progress.log in \(cluster.directory.path)")
        #expect(rows.rows == jobs && rows.jobs == jobs, "\(rows)")
        #expect(rows.sum == (0..<jobs).reduce(0, +))
    }

    @Test
    func sigtermDrainsFinishesShortJobsHandsLongOnesBackAndExitsZero() async throws {
        let cluster = try await Cluster("drain")
        let short = (0..<50).map { _ in JobRequest(kind: "gantry.sleep", payload: ["ms": 300], queue: cluster.queueName) }
        let long = (0..<50).map { _ in JobRequest(kind: "gantry.sleep", payload: ["ms": 8_000], queue: cluster.queueName) }
        _ = try await cluster.queue.enqueue(short + long)
        let worker = try cluster.startWorker(["--concurrency", "100", "--grace", "2"])
        try await eventually("the worker to lease all 100 jobs", timeout: .seconds(30)) {
            try await cluster.stats().leased == 100
        }
        worker.terminate()
        let status = await worker.waitForExit(timeoutMs: 20_000)
        let afterDrain = try await cluster.stats()
        #expect(status == 0, "exit status \(String(describing: status)): \(worker.output)")
        #expect(afterDrain.processed == 50 && afterDrain.ready == 50 && afterDrain.leased == 0 && afterDrain.dead == 0)
        // The handed-back jobs run to completion elsewhere: none was lost.
        let finisher = try cluster.startWorker(["--concurrency", "100"])
        let done = try await cluster.waitUntilDone(expected: 100, timeoutMs: 60_000)
        await cluster.shutdown()
        #expect(done.processed == 100 && done.dead == 0, "\(finisher.output)")
    }

    @Test
    func oneTwoOrFourWorkerProcessesGiveTheSameResults() async throws {
        var outcomes: [[Int]] = []
        for workers in [1, 2, 4] {
            let cluster = try await Cluster("scale-\(workers)")
            try await cluster.enqueueDrill(3_000)
            for _ in 0..<workers { try cluster.startWorker() }
            let stats = try await cluster.waitUntilDone(expected: 3_000, timeoutMs: 120_000)
            let rows = try await cluster.drillRows()
            await cluster.shutdown()
            #expect(stats.processed == 3_000 && stats.dead == 0, "\(workers) workers: \(stats)")
            outcomes.append([rows.rows, rows.jobs, rows.sum])
        }
        #expect(outcomes.allSatisfy { $0 == [3_000, 3_000, (0..<3_000).reduce(0, +)] }, "\(outcomes)")
    }

    @Test
    func liveWorkersAreListedAndAKilledOneDisappearsWithinItsTTL() async throws {
        let cluster = try await Cluster("registry")
        let victim = try cluster.startWorker(["--registry-ttl", "2"])
        let survivor = try cluster.startWorker(["--registry-ttl", "2"])
        let registry = RedisWorkerRegistry(pool: cluster.pool)
        let listed = try await eventually("both workers listed", timeout: .seconds(10), every: .milliseconds(50)) {
            try await registry.liveWorkers()
        } until: { $0.count >= 2 }
        #expect(Set(listed.map(\.pid)) == [victim.process.processIdentifier, survivor.process.processIdentifier])
        #expect(listed.allSatisfy { $0.queues == [cluster.queueName.rawValue] && $0.concurrency == 32 })
        victim.kill9()
        // Listed until its 2 s TTL runs out.
        try await eventually("the killed worker to drop out of the list", timeout: .seconds(10), every: .milliseconds(100)) {
            try await registry.liveWorkers().map(\.pid) == [survivor.process.processIdentifier]
        }
        survivor.terminate()
        _ = await survivor.waitForExit(timeoutMs: 10_000)
        #expect(try await registry.liveWorkers().isEmpty, "a stopped worker withdraws at once")
        await cluster.shutdown()
    }
}
