import Foundation
import GantryDomain
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// Migration 11 on a real PostgreSQL: baselines that follow the factors and keep their history, the
/// project's calendar and risk register, the forecast history and the slip half of the at-risk rule.
@Suite("Project planning store", .migratedDatabase)
struct ProjectPlanningStoreTests {
    let start = CalendarDay("2027-01-04")!

    func project(_ store: GantryStore, factors: ProjectFactors = ProjectFactors()) async throws -> ProjectRecord {
        let client = try await store.clients.createClient(name: "Acme", size: factors.clientSize)
        return try await store.projects.createProject(
            clientID: client.id, name: "Acme CRM", startDate: start, targetDate: CalendarDay("2027-08-31"), factors: factors)
    }

    /// Stores a forecast whose P80 finish is `p80`, made `minute` minutes into the day (so the order is fixed).
    func forecast(_ pool: PostgresConnectionPool, _ projectID: UUID, p80: String, p50: String? = nil, kind: EstimateRecord.Kind = .forecast, minute: Int) async throws {
        let percentiles = p50.map { #"[{"percentile":50,"weeks":20,"finish_date":"\#($0)"}]"# } ?? "[]"
        let record = try await EstimateRepository(pool: pool).insert(
            NewEstimate(
                projectID: projectID, jobID: UUID(), kind: kind, inputJSON: Array("{}".utf8),
                resultJSON: Array(#"{"percentiles":\#(percentiles)}"#.utf8), trials: 100, seed: 1, p50Weeks: 20, p80Weeks: 22,
                p90Weeks: 23, p80Finish: CalendarDay(p80), probabilityOnTime: 0.5))
        try await pool.query(
            "UPDATE estimates SET created_at = '2027-01-10T00:00:00Z'::timestamptz + make_interval(mins => \(Int32(minute))) WHERE id = \(record.id)")
    }

    @Test func aNewProjectIsPlannedWithItsFactorsAndRecordsVersionOne() async throws {
        let store = GantryStore(pool: try await migratedDatabase())
        let created = try await project(store, factors: ProjectFactors(clientSize: .enterprise))
        // Enterprise: every phase × 1.35 (3 weeks → 28.35 days → 28).
        #expect(created.phase(.requirementsAnalysis)?.plannedEnd == start.adding(days: 27))
        #expect(created.phase(.systemDesign)?.plannedStart == start.adding(days: 28))
        let versions = try await store.baselines.baselines(of: created.id)
        #expect(versions.map(\.version) == [1])
        let first = try #require(versions.first)
        #expect(first.reason == "initial plan" && first.factors.clientSize == .enterprise)
        #expect(first.phases.map(\.phase) == DeliveryPhase.allCases)
        #expect(first.phase(.developmentAndTesting)?.baseWeeks == 10 && first.phase(.developmentAndTesting)?.multiplier == 1.35)
        for phase in created.phases {
            #expect(first.phase(phase.phase)?.plannedStart == phase.plannedStart)
            #expect(first.phase(phase.phase)?.plannedEnd == phase.plannedEnd)
        }
    }

    @Test func aChangeRequestMovesThePhasesNotDoneAndKeepsEveryVersion() async throws {
        let store = GantryStore(pool: try await migratedDatabase())
        let created = try await project(store)
        try await store.projects.markPhase(.requirementsAnalysis, of: created.id, as: .done, actualStart: start, actualEnd: CalendarDay("2027-01-29")!)
        let second = try await store.baselines.rebaseline(
            created.id,
            change: BaselineChange(
                reason: "CR-7: two more integrations", factors: ProjectFactors(complexity: .veryHigh),
                baseWeeks: [.developmentAndTesting: 14]))
        #expect(second.version == 2 && second.reason == "CR-7: two more integrations")
        let stored = try #require(try await store.projects.project(created.id))
        #expect(stored.factors.complexity == .veryHigh, "the project's factors follow the change request")
        #expect(stored.phase(.requirementsAnalysis)?.plannedEnd == created.phase(.requirementsAnalysis)?.plannedEnd, "done: kept")
        let design = try #require(stored.phase(.systemDesign))
        #expect(design.plannedStart == CalendarDay("2027-01-30"), "the day after the done phase ended")
        #expect(design.plannedEnd == design.plannedStart?.adding(days: Int((35 * 1.34).rounded()) - 1))
        #expect(design.steps.first?.plannedStart == design.plannedStart && design.steps.last?.plannedEnd == design.plannedEnd)
        let development = try #require(stored.phase(.developmentAndTesting))
        #expect(development.plannedEnd == development.plannedStart?.adding(days: Int((14 * 7 * 1.34).rounded()) - 1))
        #expect(second.phase(.developmentAndTesting)?.baseWeeks == 14)

        let third = try await store.baselines.rebaseline(created.id, change: BaselineChange(reason: "CR-8: back to high"))
        #expect(third.phase(.developmentAndTesting)?.baseWeeks == 14, "weeks set by an earlier change stay")
        #expect(try await store.baselines.baselines(of: created.id).map(\.version) == [1, 2, 3])
        await #expect(throws: CRMStoreError.self) {
            try await store.baselines.rebaseline(UUID(), change: BaselineChange(reason: "nobody"))
        }
    }

    @Test func calibrationStillReadsPlannedWeeksBeforeTheMultipliers() async throws {
        let store = GantryStore(pool: try await migratedDatabase())
        let created = try await project(store, factors: ProjectFactors(clientSize: .large, complexity: .high))
        var day = start
        for phase in DeliveryPhase.simulated {
            try await store.projects.markPhase(phase, of: created.id, as: .done, actualStart: day, actualEnd: day.adding(days: 30))
            day = day.adding(days: 31)
        }
        let finished = try #require(try await store.finishedProjects.finishedProjects().first { $0.id == created.id })
        #expect(finished.baseWeeks == [.requirementsAnalysis: 3, .systemDesign: 5, .developmentAndTesting: 10, .deploymentAndTraining: 3])
        for phase in finished.phases {
            let span = try #require(phase.plannedStart).days(until: try #require(phase.plannedEnd)) + 1
            #expect(Double(span) / 7 == finished.baseWeeks[phase.phase], "\(phase.phase): \(span) days")
        }
    }

    @Test func theCalendarAndTheRiskRegisterAreStoredWithTheProject() async throws {
        let store = GantryStore(pool: try await migratedDatabase())
        let created = try await project(store)
        #expect(try await store.projectSettings.calendar(of: created.id) == nil)
        let days = { (texts: [String]) in texts.map { CalendarDay($0)! } }
        let stored = try await store.projectSettings.setCalendar(
            ProjectCalendar(weekendsOff: true, holidays: days(["2027-02-12", "2027-02-11", "2027-02-11"]), workdays: days(["2027-02-07"])),
            of: created.id)
        #expect(stored.holidays == days(["2027-02-11", "2027-02-12"]), "sorted and deduplicated")
        #expect(try await store.projectSettings.calendar(of: created.id) == stored)

        let risks = [
            ProjectRisk(name: "Legacy export late", phase: .deploymentAndTraining, probability: 0.4, impactWeeks: 2),
            ProjectRisk(name: "Reuse of the old portal", phase: .developmentAndTesting, probability: 0.5, impactWeeks: -1, status: .closed),
        ]
        try await store.projectSettings.replaceRisks(risks, of: created.id)
        #expect(try await store.projectSettings.risks(of: created.id) == risks)
        try await store.projectSettings.replaceRisks(Array(risks.reversed().prefix(1)), of: created.id)
        #expect(try await store.projectSettings.risks(of: created.id) == [risks[1]], "replaced as a whole")

        let project = try #require(try await store.projects.project(created.id))
        #expect(project.calendar == stored && project.risks == [risks[1]])
        await #expect(throws: PostgresError.self) { try await store.projectSettings.replaceRisks(risks, of: UUID()) }
    }

    @Test func theForecastHistoryIsOnePointPerEstimateOldestFirst() async throws {
        let pool = try await migratedDatabase()
        let store = GantryStore(pool: pool)
        let created = try await project(store)
        try await forecast(pool, created.id, p80: "2027-06-04", p50: "2027-05-28", minute: 1)
        try await forecast(pool, created.id, p80: "2027-06-11", kind: .reforecast, minute: 2)
        try await forecast(pool, created.id, p80: "2027-06-25", kind: .calibration, minute: 3)
        let history = try await store.estimates.forecastHistory(of: created.id)
        #expect(history.map(\.kind) == ["forecast", "reforecast", "calibration"])
        #expect(history.map { $0.p80Finish?.description } == ["2027-06-04", "2027-06-11", "2027-06-25"])
        #expect(history.first?.p50Finish?.description == "2027-05-28" && history[1].p50Finish == nil)
        #expect(try await store.estimates.forecastHistory(of: created.id, limit: 2).map(\.kind) == ["reforecast", "calibration"])
    }

    @Test func aSlippingP80FlagsTheProjectAtRiskAndTheThresholdIsTheRules() async throws {
        let pool = try await migratedDatabase()
        let store = GantryStore(pool: pool)
        let created = try await project(store)
        try await forecast(pool, created.id, p80: "2027-06-04", minute: 1)
        try await forecast(pool, created.id, p80: "2027-06-21", kind: .reforecast, minute: 2)
        let today = CalendarDay("2027-01-11")!

        let lenient = try await ProgressRepository(executor: store.executor, slipRule: .init(thresholdWorkingDays: 20, window: 5))
            .review(created.id, on: today, actor: "coordinator")
        #expect(lenient.events.isEmpty, "11 working days is not more than 20")

        let outcome = try await store.progress.review(created.id, on: today, actor: "coordinator")
        let event = try #require(outcome.events.first?.event)
        #expect(event.kind == .projectAtRisk && event.slipWorkingDays == 11 && event.p80Finish == CalendarDay("2027-06-21"))
        #expect(outcome.progress.atRisk)

        // A holiday on the way makes it ten working days: back on track.
        try await store.projectSettings.setCalendar(ProjectCalendar(holidays: [CalendarDay("2027-06-14")!]), of: created.id)
        let relieved = try await store.progress.review(created.id, on: today, actor: "coordinator")
        #expect(relieved.events.map(\.event.kind) == [.projectBackOnTrack])
    }
}

