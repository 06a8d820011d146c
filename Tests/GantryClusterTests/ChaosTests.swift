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
        var kills = 0
        let stats = try await cluster.waitUntilDone(expected: Self.jobs, timeoutMs: 240_000) { _ in
            guard kills < 60 else { return }
            let live = cluster.workers.filter(\.isRunning)
            live.randomElement()?.kill9()
            kills += 1
            try cluster.startWorker()
        }
        let rows = try await cluster.drillRows()
        await cluster.shutdown()
        #expect(kills >= 5, "the run ended before the chaos did anything")
        #expect(stats.processed == Self.jobs && stats.dead == 0 && stats.ready == 0 && stats.leased == 0 && stats.delayed == 0)
        #expect(rows.rows == Self.jobs && rows.jobs == Self.jobs)
        #expect(rows.sum == (0..<Self.jobs).reduce(0, +))
    }

    @Test
    func twentyThousandJobsSurvivePostgresAndRedisRestartsMidRun() async throws {
        let cluster = try await Cluster("chaos-restart")
        try await cluster.enqueueDrill(Self.jobs)
        for _ in 0..<4 { try cluster.startWorker() }
        var restartedPostgres = false, restartedRedis = false
        let stats = try await cluster.waitUntilDone(expected: Self.jobs, timeoutMs: 240_000) { second in
            let done = (try? await cluster.stats().processed) ?? 0
            if !restartedPostgres, done >= Self.jobs / 4 {
                try cluster.postgres.restart()
                restartedPostgres = true
            } else if restartedPostgres, !restartedRedis, done >= Self.jobs / 2 {
                try cluster.redis.restart()
                restartedRedis = true
            } else if second % 3 == 0, let victim = cluster.workers.filter(\.isRunning).randomElement() {
                victim.kill9()
                try cluster.startWorker()
            }
        }
        let rows = try await cluster.drillRows()
        await cluster.shutdown()
        #expect(restartedPostgres && restartedRedis)
        #expect(stats.processed == Self.jobs && stats.dead == 0 && stats.ready == 0 && stats.leased == 0 && stats.delayed == 0)
        #expect(rows.rows == Self.jobs && rows.jobs == Self.jobs)
    }

    @Test
    func sigtermDrainsFinishesShortJobsHandsLongOnesBackAndExitsZero() async throws {
        let cluster = try await Cluster("drain")
        let short = (0..<50).map { _ in JobRequest(kind: "gantry.sleep", payload: ["ms": 300], queue: cluster.queueName) }
        let long = (0..<50).map { _ in JobRequest(kind: "gantry.sleep", payload: ["ms": 8_000], queue: cluster.queueName) }
        _ = try await cluster.queue.enqueue(short + long)
        let worker = try cluster.startWorker(["--concurrency", "100", "--grace", "2"])
        var running = false
        for _ in 0..<1_500 where !running {
            try await Task.sleep(for: .milliseconds(20))
            running = (try await cluster.stats().leased) == 100
        }
        #expect(running, "the worker did not lease all 100 jobs: \(worker.output)")
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
        var listed: [WorkerInfo] = []
        for _ in 0..<200 where listed.count < 2 {
            try await Task.sleep(for: .milliseconds(50))
            listed = try await registry.liveWorkers()
        }
        #expect(Set(listed.map(\.pid)) == [victim.process.processIdentifier, survivor.process.processIdentifier])
        #expect(listed.allSatisfy { $0.queues == [cluster.queueName.rawValue] && $0.concurrency == 32 })
        victim.kill9()
        var gone = false
        for _ in 0..<100 where !gone {
            try await Task.sleep(for: .milliseconds(100))
            gone = try await registry.liveWorkers().map(\.pid) == [survivor.process.processIdentifier]
        }
        #expect(gone, "the killed worker is still listed after its TTL")
        survivor.terminate()
        _ = await survivor.waitForExit(timeoutMs: 10_000)
        #expect(try await registry.liveWorkers().isEmpty, "a stopped worker withdraws at once")
        await cluster.shutdown()
    }
}
