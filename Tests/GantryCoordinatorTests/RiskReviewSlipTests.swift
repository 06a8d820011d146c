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

/// The coordinator's risk review reads each open project's forecast history: a P80 finish that slipped by more than
/// the rule's working days across recent forecasts flags the project, with the threshold the coordinator was given.
@Suite("Risk review: forecast slip", .migratedDatabase)
struct RiskReviewSlipTests {
    @Test func aProjectWhoseP80SlippedIsFlaggedOnceAndALenientThresholdLetsItBe() async throws {
        let pool = try await migratedDatabase()
        let store = GantryStore(pool: pool)
        let client = try await store.clients.createClient(name: "Acme", size: .medium)
        let project = try await store.projects.createProject(
            clientID: client.id, name: "Acme CRM", startDate: CalendarDay("2027-01-04")!, targetDate: CalendarDay("2027-08-31")!)
        // Three forecasts: P80 on Fri 2027-06-04, then 06-11, then Tue 2027-06-22 (12 working days later).
        for (minute, finish) in ["2027-06-04", "2027-06-11", "2027-06-22"].enumerated() {
            try await pool.query(
                """
                INSERT INTO estimates (project_id, job_id, input, result, trials, seed, p50_weeks, p80_weeks, p90_weeks,
                                       p80_finish, kind, created_at)
                VALUES (\(project.id), gen_random_uuid(), '{}', '{}', 1, 1, 2, 2, 2, \(CalendarDay(finish)!), 'reforecast',
                        '2027-01-10T00:00:00Z'::timestamptz + make_interval(mins => \(Int32(minute))))
                """)
        }
        let today = CalendarDay("2027-01-11")!
        let lenient = RiskReview(store: store, slipRule: ForecastSlipRule(thresholdWorkingDays: 12, window: 5))
        #expect(try await lenient.run(on: today) { _ in } == 0, "12 working days is not more than 12")
        let review = RiskReview(store: store)
        #expect(try await review.run(on: today) { _ in } == 1)
        #expect(try await review.run(on: today) { _ in } == 0, "flagged once")
        #expect(try await store.progress.progress(of: project.id)?.atRisk == true)
        let event = try #require(try await store.projectEvents.events(of: project.id).last?.event)
        #expect(event.kind == .projectAtRisk && event.slipWorkingDays == 12 && event.p80Finish == CalendarDay("2027-06-22"))

        // The at-risk chain tells the stakeholders why.
        let queue = MemoryJobQueueDriver()
        let dispatcher = FollowUpDispatcher(store: store, queue: queue, kinds: GantryKinds.registry, logger: Logger(label: "test"))
        _ = try await dispatcher.dispatch { _ in }
        let notice = try #require(try await store.followUps.followUps(of: project.id).first { $0.chain == "at-risk" })
        let job = try #require(try await queue.job(queue: .default, id: JobID(uuid: notice.jobID!)))
        #expect(job.envelope.payload["event"]?["subject"] == "At risk: the P80 finish slipped 12 working days, to 2027-06-22")
        #expect(job.envelope.payload["event"]?["data"]?["slip_working_days"] == "12")
    }
}
