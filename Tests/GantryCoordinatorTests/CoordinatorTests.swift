import GantryCoordinator
import GantryCore
import GantryRedis
import GantryRedisQueue
import GantryTesting
import Synchronization
import Testing

/// A duty that counts its rounds, fails when told to, and says which terms it ran in.
final class CountingDuty: CoordinatorDuty {
    let name: String
    let interval: Duration = .milliseconds(20)
    let failing: Bool
    let rounds = TestExpectation("duty rounds")
    private let tokens = Mutex<Set<UInt64>>([])
    private let active = Atomic<Int>(0)
    private let overlapped = Atomic<Bool>(false)

    init(_ name: String, failing: Bool = false) {
        self.name = name
        self.failing = failing
    }

    func perform(in term: LeaderTerm) async throws {
        if active.add(1, ordering: .acquiringAndReleasing).newValue > 1 { overlapped.store(true, ordering: .releasing) }
        defer { active.subtract(1, ordering: .acquiringAndReleasing) }
        try term.checkCurrent()
        tokens.withLock { _ = $0.insert(term.token) }
        rounds.fulfill()
        if failing { throw LeaderTermErrorForTests() }
    }

    var terms: Set<UInt64> { tokens.withLock { $0 } }
    var ranTwiceAtOnce: Bool { overlapped.load(ordering: .acquiring) }
}

struct LeaderTermErrorForTests: Error {}

@Suite("Coordinator", .enabled(if: TestServers.isRedisAvailable))
struct CoordinatorTests {
    func coordinator(_ lock: any LeaderLock, id: String, duties: [any CoordinatorDuty], metrics: CoordinatorMetrics) -> Coordinator {
        Coordinator(
            elector: LeaderElector(
                coordinatorID: id, lock: lock, configuration: CoordinatorTestSupport.fastElection, tick: .milliseconds(50),
                logger: CoordinatorTestSupport.logger),
            duties: duties, metrics: metrics, logger: CoordinatorTestSupport.logger)
    }

    @Test
    func dutiesRunWhileItLeadsAFailingDutyIsCountedAndTheyStopWhenLeadershipIsLost() async throws {
        let pool = try CoordinatorTestSupport.redisPool()
        let lock = SeverableLock(CoordinatorTestSupport.lock(pool, prefix: CoordinatorTestSupport.uniquePrefix()))
        let good = CountingDuty("good")
        let bad = CountingDuty("bad", failing: true)
        let metrics = CoordinatorMetrics()
        let c = coordinator(lock, id: "c1", duties: [good, bad], metrics: metrics)
        let task = Task { try await c.run() }
        try await good.rounds.wait(for: 3)
        try await bad.rounds.wait(for: 3)
        let term = try #require(c.term)
        #expect(good.terms == [term.token])
        let text = await metrics.render()
        #expect(text.contains("gantry_coordinator_leader 1"))
        #expect(text.contains("gantry_coordinator_fencing_token \(term.token)"))
        #expect(text.contains(#"gantry_coordinator_duty_failures_total{duty="bad"}"#))
        #expect(text.contains(#"gantry_coordinator_duty_runs_total{duty="good"}"#))

        // Cut off from Redis, it stops leading by itself and its duties stop.
        lock.sever()
        try await eventually("leadership lost", timeout: .seconds(10)) { c.term == nil }
        #expect(!term.isCurrent)
        // The term ends first (duties stop at once); the gauge follows when the coordinator sees it end.
        try await eventually("the leader gauge to drop to 0", timeout: .seconds(10)) {
            await metrics.render().contains("gantry_coordinator_leader 0")
        }
        #expect(!good.ranTwiceAtOnce && !bad.ranTwiceAtOnce)
        task.cancel()
        _ = try? await task.value
        await pool.close()
    }

    @Test
    func theLeadersHousekeepingPromotesDueDelayedJobsOnEveryQueue() async throws {
        let pool = try CoordinatorTestSupport.redisPool()
        let driver = RedisJobQueueDriver(pool: pool)
        let queue = JobQueue(driver: driver)
        let names = [try QueueName(TestServers.uniquePrefix("hk-a")), try QueueName(TestServers.uniquePrefix("hk-b"))]
        for name in names {
            _ = try await queue.enqueue((0..<5).map { _ in JobRequest(kind: "gantry.noop", queue: name, delayMs: 50) })
        }
        let metrics = CoordinatorMetrics()
        let c = coordinator(
            CoordinatorTestSupport.lock(pool, prefix: CoordinatorTestSupport.uniquePrefix()), id: "hk",
            duties: [QueueHousekeeping(driver: driver, metrics: metrics, interval: .milliseconds(20), logger: CoordinatorTestSupport.logger)],
            metrics: metrics)
        let task = Task { try await c.run() }
        for name in names {
            let stats = try await eventually(
                "delayed jobs of \(name) promoted", read: { try await driver.stats(queue: name) }, until: { $0.ready == 5 })
            #expect(stats.delayed == 0)
        }
        task.cancel()
        _ = try? await task.value
        await pool.close()
    }
}
