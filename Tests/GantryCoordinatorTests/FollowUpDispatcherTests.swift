import FoundationEssentials
import GantryCore
import GantryDomain
import GantryKinds
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Logging
import Testing

@testable import GantryCoordinator

/// The follow-up chains against a real PostgreSQL: events in the outbox start each chain once, a
/// finished job moves its chain on, a failed one stops it, and a fence that refuses writes nothing.
/// Jobs finish here by their result rows (what the workers' ledger and history store write), so
/// the chain logic is tested apart from the handlers; the cluster suite runs it with real workers.
@Suite("Follow-up dispatch", .migratedDatabase)
struct FollowUpDispatcherTests {
    struct Fixture {
        let pool: PostgresConnectionPool
        let store: GantryStore
        let queue: MemoryJobQueueDriver
        let dispatcher: FollowUpDispatcher
        let projectID: UUID
        let day = CalendarDay("2026-03-02")!

        /// Completes every step of `phase`, one day each, as a person would through the API.
        func finish(_ phase: DeliveryPhase) async throws {
            for step in phase.steps {
                _ = try await store.progress.apply(
                    .complete(StepKey(phase: phase, step: step), approvedBy: phase.gate == step ? "pm" : nil),
                    to: projectID, on: day, actor: "test")
            }
        }

        func followUps() async throws -> [FollowUpRecord] { try await store.followUps.followUps(of: projectID) }

        /// Records a successful run of `jobID` the way the workers do.
        func succeed(_ jobID: UUID?, result: JSONValue = .object([:])) async throws {
            let id = try #require(jobID)
            try await pool.query(
                """
                INSERT INTO job_results (job_id, kind, queue, attempt, result)
                VALUES (\(id), 'test', 'default', 1, \(PostgresJSON(bytes: result.jsonBytes)))
                """)
        }

        func kill(_ jobID: UUID?) async throws {
            let id = try #require(jobID)
            try await pool.query(
                """
                INSERT INTO job_runs (job_id, kind, queue, attempt, worker, started_at, finished_at, outcome, error, duration_ms)
                VALUES (\(id), 'test', 'default', 5, 'w1', now(), now(), 'dead', 'boom', 1)
                """)
        }

        func dispatch() async throws -> FollowUpDispatcher.Round { try await dispatcher.dispatch { _ in } }
    }

    func fixture() async throws -> Fixture {
        let pool = try await migratedDatabase()
        let store = GantryStore(pool: pool)
        let client = try await store.clients.createClient(name: "Acme", size: .medium)
        let project = try await store.projects.createProject(
            clientID: client.id, name: "Acme CRM", startDate: CalendarDay("2026-03-02")!, targetDate: CalendarDay("2026-12-31")!)
        let queue = MemoryJobQueueDriver()
        let dispatcher = FollowUpDispatcher(
            store: store, queue: queue, kinds: GantryKinds.registry, logger: Logger(label: "test"))
        return Fixture(pool: pool, store: store, queue: queue, dispatcher: dispatcher, projectID: project.id)
    }

    @Test func aPhaseDoneRunsReforecastReportAndNotificationInTurnEachOnce() async throws {
        let f = try await fixture()
        try await f.finish(.requirementsAnalysis)
        let first = try await f.dispatch()
        #expect(first.stepsStarted == 1 && first.eventsDispatched > 0)
        var steps = try await f.followUps()
        #expect(steps.map(\.kind) == ["estimate.simulate"] && steps[0].state == .enqueued)
        let estimateJob = try #require(try await f.queue.job(queue: .default, id: JobID(uuid: steps[0].jobID!)))
        #expect(estimateJob.envelope.uniqueKey == "followup:\(steps[0].triggerEvent):phase-done:0")
        #expect(estimateJob.envelope.payload == ["project_id": .string("\(f.projectID)")])

        // Dispatching again starts nothing new: the event is dispatched and its step exists.
        let again = try await f.dispatch()
        #expect(again == FollowUpDispatcher.Round())

        try await f.succeed(steps[0].jobID)
        #expect(try await f.dispatch().stepsStarted == 1)
        steps = try await f.followUps()
        #expect(steps.map(\.state) == [.done, .enqueued])
        let reportJob = try #require(try await f.queue.job(queue: "reports", id: JobID(uuid: steps[1].jobID!)))
        #expect(reportJob.envelope.parentID == JobID(uuid: steps[0].jobID!))

        try await f.succeed(steps[1].jobID, result: ["rag": "amber", "report_id": "r-1", "bytes": 10])
        #expect(try await f.dispatch().stepsStarted == 1)
        steps = try await f.followUps()
        #expect(steps[1].detail == ["rag": "amber", "report_id": "r-1"])
        let notifyJob = try #require(try await f.queue.job(queue: .default, id: JobID(uuid: steps[2].jobID!)))
        #expect(notifyJob.envelope.payload["event"]?["subject"] == "Requirements analysis is done; schedule status Amber")

        try await f.succeed(steps[2].jobID)
        let last = try await f.dispatch()
        #expect(last.stepsFinished == 1 && last.stepsStarted == 0)
        #expect(try await f.followUps().map(\.state) == [.done, .done, .done])
    }

    @Test func theNextPhasesNotificationIsSkippedWhenTheRAGStatusDidNotChange() async throws {
        let f = try await fixture()
        for phase in [DeliveryPhase.requirementsAnalysis, .systemDesign] {
            try await f.finish(phase)
            _ = try await f.dispatch()
            for _ in 0..<2 {
                let open = try await f.followUps().filter { $0.state == .enqueued }
                for step in open { try await f.succeed(step.jobID, result: ["rag": "green", "report_id": "r"]) }
                _ = try await f.dispatch()
            }
            if let notify = try await f.followUps().first(where: { $0.state == .enqueued }) {
                try await f.succeed(notify.jobID)
                _ = try await f.dispatch()
            }
        }
        let steps = try await f.followUps()
        #expect(steps.count == 6)
        #expect(steps.map(\.state) == [.done, .done, .done, .done, .done, .skipped])
        #expect(steps[5].detail == ["reason": "the RAG status is still green"])
    }

    @Test func aDeadJobFailsItsStepAndEndsTheChain() async throws {
        let f = try await fixture()
        try await f.finish(.requirementsAnalysis)
        _ = try await f.dispatch()
        try await f.kill(try await f.followUps()[0].jobID)
        let round = try await f.dispatch()
        #expect(round.stepsFailed == 1 && round.stepsStarted == 0)
        let steps = try await f.followUps()
        #expect(steps.count == 1 && steps[0].state == .failed)
        #expect(steps[0].detail == ["outcome": "dead", "error": "boom"])
    }

    @Test func aRefusingFenceWritesNothingAndLeavesTheEventForTheNextLeader() async throws {
        struct Superseded: Error {}
        let f = try await fixture()
        try await f.finish(.requirementsAnalysis)
        await #expect(throws: Superseded.self) { try await f.dispatcher.dispatch { _ in throw Superseded() } }
        #expect(try await f.followUps().isEmpty)
        #expect(try await f.dispatch().stepsStarted == 1)
    }

    @Test func aLostEnqueueIsMadeGoodByRepairAndAQueuedOneIsNotDoubled() async throws {
        let f = try await fixture()
        try await f.finish(.requirementsAnalysis)
        _ = try await f.dispatch()
        let step = try #require(try await f.followUps().first)
        // Too young to repair; then old enough, but its job is in the queue already: stored once.
        #expect(try await f.dispatcher.repair(olderThanSeconds: 60) == 0)
        try await f.pool.query("UPDATE follow_ups SET created_at = now() - interval '5 minutes'")
        #expect(try await f.dispatcher.repair(olderThanSeconds: 60) == 1)
        #expect(try await f.queue.stats(queue: .default).ready == 1)
        // The same step with its enqueue lost (an empty queue, as after a crash before the enqueue).
        let empty = MemoryJobQueueDriver()
        let other = FollowUpDispatcher(store: f.store, queue: empty, kinds: GantryKinds.registry, logger: Logger(label: "test"))
        #expect(try await other.repair(olderThanSeconds: 60) == 1)
        let job = try #require(try await empty.job(queue: .default, id: JobID(uuid: step.jobID!)))
        #expect(job.envelope.kind == "estimate.simulate")
    }

    @Test func aPhasePastItsForecastP80RaisesAtRiskAndItsNotice() async throws {
        let f = try await fixture()
        _ = try await f.store.progress.apply(
            .start(StepKey(phase: .requirementsAnalysis, step: "research")), to: f.projectID, on: f.day, actor: "test")
        // A forecast whose requirements P80 is two weeks (14 days).
        let result: JSONValue = [
            "phases": [["phase": "requirements_analysis", "mean": 2, "std_dev": 0, "p10": 2, "p50": 2, "p80": 2, "p90": 2,
                        "rank_correlation": 0, "variance_share": 0]],
        ]
        try await f.pool.query(
            """
            INSERT INTO estimates (project_id, job_id, input, result, trials, seed, p50_weeks, p80_weeks, p90_weeks, kind)
            VALUES (\(f.projectID), gen_random_uuid(), '{}', \(PostgresJSON(bytes: result.jsonBytes)), 1, 1, 2, 2, 2, 'forecast')
            """)
        let review = RiskReview(store: f.store)
        #expect(try await review.run(on: f.day.adding(days: 13)) { _ in } == 0)
        #expect(try await review.run(on: f.day.adding(days: 14)) { _ in } == 1)
        #expect(try await review.run(on: f.day.adding(days: 20)) { _ in } == 0)
        #expect(try await f.store.progress.progress(of: f.projectID)?.atRisk == true)
        _ = try await f.dispatch()
        let notice = try #require(try await f.followUps().first)
        #expect(notice.chain == "at-risk" && notice.kind == "notify.send")
        let job = try #require(try await f.queue.job(queue: .default, id: JobID(uuid: notice.jobID!)))
        #expect(job.envelope.payload["event"]?["type"] == "forecast_at_risk")
        #expect(job.envelope.payload["event"]?["data"]?["days_elapsed"] == "15")
    }
}
