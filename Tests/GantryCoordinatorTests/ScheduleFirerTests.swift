import Foundation
import GantryCoordinator
import GantryCore
import GantryDomain
import GantryKinds
import GantryPostgres
import GantryPostgresStore
import GantryRedis
import GantryRedisQueue
import GantryTesting
import Synchronization
import Testing

/// The time the firer sees, set by the test.
final class TestNow: Sendable {
    let value = Mutex<Date>(Date(timeIntervalSince1970: 0))
}

/// Firing schedules on real PostgreSQL and Redis, with the time given: each firing is enqueued
/// once, whatever is retried, and only by the current leader.
@Suite("Schedule firing", .migratedDatabase, .enabled(if: TestServers.isRedisAvailable))
struct ScheduleFirerTests {
    struct Fixture {
        let store: GantryStore
        let pool: RedisConnectionPool
        let driver: RedisJobQueueDriver
        let queue: JobQueue
        let queueName: QueueName
        /// A whole second, so every-second firings fall on it.
        let t0 = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded(.down))
        let clock = TestNow()

        init() async throws {
            store = GantryStore(pool: try await migratedDatabase())
            pool = try CoordinatorTestSupport.redisPool()
            driver = RedisJobQueueDriver(pool: pool)
            queue = JobQueue(driver: driver, registry: .builtIn)
            queueName = try QueueName(TestServers.uniquePrefix("sched"))
        }

        func firer() -> ScheduleFirer {
            let clock = self.clock
            return ScheduleFirer(
                store: store, queue: queue, metrics: CoordinatorMetrics(), now: { clock.value.withLock { $0 } },
                logger: CoordinatorTestSupport.logger)
        }

        func set(_ seconds: Double) { clock.value.withLock { $0 = t0.addingTimeInterval(seconds) } }

        func everySecond(_ name: String, missed: ScheduleDefinition.MissedFirings) async throws {
            try await store.schedules.upsert(
                ScheduleDefinition(
                    name: name, cron: "* * * * * *", kind: "gantry.noop", queue: queueName.rawValue, payload: ["result": true],
                    missed: missed),
                source: .api, registry: .builtIn, now: t0)
        }
    }

    @Test
    func catchUpEnqueuesEveryMissedFiringOnceEvenWhenTheRoundIsRetriedAfterALostCommit() async throws {
        let f = try await Fixture()
        try await f.everySecond("tick", missed: .catchUp)
        f.set(3.5)
        let term = LeaderTerm(token: 4, coordinatorID: "c1")
        let fired = try await f.firer().fireDue(in: term)
        #expect(fired.map(\.fireAt) == [1, 2, 3].map { f.t0.addingTimeInterval($0) })
        #expect(try await f.driver.stats(queue: f.queueName).ready == 3)
        let firings = try await f.store.schedules.firings(of: "tick")
        #expect(firings.map(\.fireAt) == fired.map(\.fireAt))
        #expect(firings.allSatisfy { $0.fence == 4 })
        #expect(try await f.store.schedules.get("tick")?.nextFireAt == f.t0.addingTimeInterval(4))

        // The state a crash between the enqueue and the commit leaves: jobs in Redis, nothing in
        // PostgreSQL. The next round (here by a newer leader) enqueues nothing twice.
        try await f.store.transaction { tx in
            try await tx.schedules.advance("tick", nextFireAt: f.t0.addingTimeInterval(1), lastFiredAt: nil)
        }
        _ = try await migratedDatabase().query("DELETE FROM schedule_firings")
        let again = try await f.firer().fireDue(in: LeaderTerm(token: 5, coordinatorID: "c2"))
        #expect(again.map(\.fireAt) == fired.map(\.fireAt))
        #expect(again.map(\.jobIDs) == fired.map(\.jobIDs))
        #expect(try await f.driver.stats(queue: f.queueName).ready == 3)
        #expect(try await f.store.schedules.firings(of: "tick").map(\.jobID) == fired.flatMap(\.jobIDs))

        // Nothing is due until the next second.
        #expect(try await f.firer().fireDue(in: LeaderTerm(token: 5, coordinatorID: "c2")).isEmpty)
        f.set(4)
        #expect(try await f.firer().fireDue(in: LeaderTerm(token: 5, coordinatorID: "c2")).count == 1)
        await f.pool.close()
    }

    @Test
    func skipEnqueuesOnlyTheLatestMissedFiring() async throws {
        let f = try await Fixture()
        try await f.everySecond("latest", missed: .skip)
        f.set(5.5)
        let fired = try await f.firer().fireDue(in: LeaderTerm(token: 1, coordinatorID: "c1"))
        #expect(fired.map(\.fireAt) == [f.t0.addingTimeInterval(5)])
        #expect(try await f.driver.stats(queue: f.queueName).ready == 1)
        #expect(try await f.store.schedules.get("latest")?.nextFireAt == f.t0.addingTimeInterval(6))
        await f.pool.close()
    }

    @Test
    func aSupersededLeaderFiresNothing() async throws {
        let f = try await Fixture()
        try await f.everySecond("fenced", missed: .catchUp)
        try await f.store.coordinatorFence.claim(10, holder: "newer")
        f.set(2.5)
        await #expect(throws: CoordinatorFenceError.self) {
            try await f.firer().fireDue(in: LeaderTerm(token: 9, coordinatorID: "older"))
        }
        #expect(try await f.driver.stats(queue: f.queueName).ready == 0)
        #expect(try await f.store.schedules.firings(of: "fenced").isEmpty)
        #expect(try await f.store.schedules.get("fenced")?.nextFireAt == f.t0.addingTimeInterval(1))
        await f.pool.close()
    }

    @Test
    func aPausedScheduleDoesNotFireAndResumesFromItsNextFiringWithoutCatchingUpThePause() async throws {
        let f = try await Fixture()
        try await f.everySecond("paused", missed: .catchUp)
        #expect(try await f.store.schedules.pause("paused")?.paused == true)
        f.set(3.5)
        #expect(try await f.firer().fireDue(in: LeaderTerm(token: 1, coordinatorID: "c1")).isEmpty)
        let resumed = try await f.store.schedules.resume("paused", registry: .builtIn, now: f.t0.addingTimeInterval(3.5))
        #expect(resumed?.paused == false && resumed?.nextFireAt == f.t0.addingTimeInterval(4))
        f.set(4.2)
        #expect(try await f.firer().fireDue(in: LeaderTerm(token: 1, coordinatorID: "c1")).map(\.fireAt) == [f.t0.addingTimeInterval(4)])
        #expect(try await f.store.schedules.pause("missing") == nil)
        #expect(try await f.store.schedules.remove("paused"))
        #expect(try await !f.store.schedules.remove("paused"))
        await f.pool.close()
    }

    @Test
    func defaultsAreCreatedOnceAndNeverOverwriteWhatAnOperatorChanged() async throws {
        let f = try await Fixture()
        let registry = GantryKinds.registry
        for d in DefaultSchedules.all { #expect(try await f.store.schedules.createIfAbsent(d, registry: registry)) }
        _ = try await f.store.schedules.pause("nightly-reforecast")
        for d in DefaultSchedules.all { #expect(try await !f.store.schedules.createIfAbsent(d, registry: registry)) }
        let all = try await f.store.schedules.list()
        #expect(all.map(\.name) == ["hourly-dead-letter-digest", "nightly-reforecast", "weekly-portfolio-report"])
        #expect(all.allSatisfy { $0.source == .default && $0.nextFireAt != nil })
        #expect(all.first { $0.name == "nightly-reforecast" }?.paused == true)
        await f.pool.close()
    }

    @Test
    func aScheduleThatFailsItsChecksIsRefusedNamingTheField() async throws {
        let f = try await Fixture()
        let error = await #expect(throws: ScheduleStoreError.self) {
            try await f.store.schedules.upsert(
                ScheduleDefinition(name: "bad", cron: "0 25 * * *", kind: "gantry.noop"), source: .api, registry: .builtIn)
        }
        #expect(error?.field == "cron" && error?.message == "hour: 25 is outside 0-23")
        await f.pool.close()
    }

    @Test
    func aFanOutFiringEnqueuesOneJobPerPlannedOrActiveProjectEachOnceWithTheFiringAsParent() async throws {
        let f = try await Fixture()
        let client = try await f.store.clients.createClient(name: "Acme Trading", size: .medium)
        let start = try #require(CalendarDay("2027-01-04"))
        var open: [UUID] = []
        for status in [ProjectRecord.Status.planned, .active, .done, .onHold] {
            let project = try await f.store.projects.createProject(clientID: client.id, name: "P \(status)", startDate: start, status: status)
            if status == .planned || status == .active { open.append(project.id) }
        }
        try await f.store.schedules.upsert(
            ScheduleDefinition(
                name: "reforecast", cron: "* * * * * *", kind: "gantry.noop", queue: f.queueName.rawValue,
                payload: [ScheduleDefinition.forEachKey: .string(ScheduleDefinition.forEachOpenProject)], missed: .skip),
            source: .api, registry: .builtIn, now: f.t0)
        f.set(1.5)
        let fired = try await f.firer().fireDue(in: LeaderTerm(token: 1, coordinatorID: "c1"))
        #expect(fired.count == 1 && fired[0].jobIDs.count == 2)
        let firing = try #require(try await f.store.schedules.firings(of: "reforecast").first)
        var projects: [String] = []
        for id in fired[0].jobIDs {
            let info = try #require(try await f.driver.job(queue: f.queueName, id: id))
            #expect(info.envelope.parentID == firing.jobID)
            #expect(info.envelope.uniqueKey?.hasPrefix("schedule:reforecast:") == true)
            if case .object(let payload) = info.envelope.payload, case .string(let project)? = payload["project_id"] {
                #expect(payload[ScheduleDefinition.forEachKey] == nil)
                projects.append(project)
            }
        }
        #expect(Set(projects) == Set(open.map { $0.uuidString.lowercased() }))

        // The same firing again (a commit lost after the enqueue): nothing new in the queue.
        try await f.store.schedules.advance("reforecast", nextFireAt: f.t0.addingTimeInterval(1), lastFiredAt: nil)
        _ = try await migratedDatabase().query("DELETE FROM schedule_firings")
        let again = try await f.firer().fireDue(in: LeaderTerm(token: 1, coordinatorID: "c1"))
        #expect(Set(again[0].jobIDs) == Set(fired[0].jobIDs))
        #expect(try await f.driver.stats(queue: f.queueName).ready == 2)
        await f.pool.close()
    }
}
