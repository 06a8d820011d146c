import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// `estimate.simulate` on a real PostgreSQL: each test migrates its own database.
@Suite("estimate.simulate", .migratedDatabase)
struct EstimateSimulateHandlerTests {
    func result(of estimate: EstimateRecord) throws -> EstimateResult {
        try JSONDecoder().decode(EstimateResult.self, from: Data(estimate.result.bytes))
    }

    @Test
    func forecastIsStoredWithOrderedPercentilesAndSummarised() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        let progress = ProgressLog()
        let job = envelope(project: project.id, ["trials": 20_000, "seed": 7])
        let summary = try #require(try await run(job, pool: pool, progress: progress))

        let stored = try await EstimateRepository(pool: pool).estimates(of: project.id)
        #expect(stored.count == 1)
        let estimate = try #require(stored.first)
        #expect(estimate.jobID == job.id.uuid && estimate.kind == .forecast)
        #expect(estimate.trials == 20_000 && estimate.seed == 7)
        #expect(estimate.p50Weeks <= estimate.p80Weeks && estimate.p80Weeks <= estimate.p90Weeks)
        // The seed's midpoints (3 + 5 + 10 + 3 = 21 weeks) scaled by large (1.15) × high complexity (1.17).
        #expect((25.0...32.0).contains(estimate.p50Weeks))

        let result = try result(of: estimate)
        let weeks = MonteCarloEstimator.reportedPercentiles.compactMap { result.percentile($0)?.weeks }
        #expect(weeks.count == 5 && weeks == weeks.sorted())
        #expect(abs(result.percentile(50)!.weeks - estimate.p50Weeks) < 0.001)
        #expect(result.phases.map(\.phase) == DeliveryPhase.simulated)
        #expect(result.phases.allSatisfy { $0.actual == nil && $0.standardDeviation > 0 })
        #expect(result.startDate == CalendarDay("2026-03-02"))
        #expect(result.percentile(80)?.finishDate.map { CalendarDay(dayNumber: $0.dayNumber) } == estimate.p80Finish)
        let onTime = try #require(estimate.probabilityOnTime)
        #expect((0...1).contains(onTime))

        let input = try JSONDecoder().decode(EstimateInput.self, from: Data(estimate.input.bytes))
        #expect(input.factors == DeliveryFactors(clientSize: .large, complexity: .high))
        #expect(input.targetDate == CalendarDay("2026-09-18") && input.calendar?.startDate == CalendarDay("2026-03-02"))

        #expect(summary["estimate_id"] == .string(estimate.id.uuidString.lowercased()))
        #expect(summary["kind"] == "forecast")
        #expect(summary["p50_weeks"] == .number(estimate.p50Weeks))
        #expect(summary["p80_weeks"] == .number(estimate.p80Weeks))
        #expect(summary["p80_finish"] == .string("\(estimate.p80Finish!)"))
        #expect(summary["probability_on_time"] == .number(onTime))
        #expect(progress.percents == [10, 90])
        // The ledger kept the same summary as the job's result.
        let kept = try await pool.query("SELECT result FROM job_results WHERE job_id = \(job.id.uuid)")
        #expect(try JSONValue.parse(try #require(kept.first).decode(0, as: PostgresJSON.self).bytes) == summary)
        await pool.close()
    }

    @Test
    func reforecastAfterPhasesAreDoneUsesTheirActualDurations() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        _ = try await run(envelope(project: project.id, ["trials": 5_000]), pool: pool)

        // Three working weeks, then six (2 March – 20 March, 23 March – 1 May 2026).
        let phases = ProjectRepository(pool: pool)
        try await phases.markPhase(
            .requirementsAnalysis, of: project.id, as: .done, actualStart: projectStart, actualEnd: projectStart.adding(days: 18))
        try await phases.markPhase(
            .systemDesign, of: project.id, as: .done, actualStart: projectStart.adding(days: 21),
            actualEnd: projectStart.adding(days: 60))
        let job = envelope(project: project.id, ["trials": 5_000, "status_date": "2026-05-01"])
        let summary = try #require(try await run(job, pool: pool))
        #expect(summary["kind"] == "reforecast")

        let repository = EstimateRepository(pool: pool)
        let latest = try #require(try await repository.latest(of: project.id))
        #expect(latest.jobID == job.id.uuid && latest.kind == .reforecast)
        #expect(try await repository.estimates(of: project.id).map(\.kind) == [.reforecast, .forecast])

        let result = try result(of: latest)
        for (phase, weeks) in [(DeliveryPhase.requirementsAnalysis, 3.0), (.systemDesign, 6.0)] {
            let forecast = try #require(result.phase(phase))
            #expect(forecast.actual == weeks)
            #expect(forecast.standardDeviation == 0 && forecast.p10 == weeks && forecast.p50 == weeks && forecast.p90 == weeks)
            #expect(forecast.mean == weeks)
        }
        #expect(try #require(result.phase(.developmentAndTesting)).standardDeviation > 0)
        // The total is never shorter than the nine weeks already spent, nor does it end by the status date.
        #expect(try #require(result.percentile(10)).weeks > 9)
        #expect(result.statusDate == CalendarDay("2026-05-01") && abs(result.elapsedWeeks - 9) < 1e-9)
        #expect(try #require(result.percentile(10)?.finishDate) > CalendarDay("2026-05-01")!)
        let input = try JSONDecoder().decode(EstimateInput.self, from: Data(latest.input.bytes))
        #expect(input.progress == [
            .requirementsAnalysis: PhaseDates(started: projectStart, finished: projectStart.adding(days: 18)),
            .systemDesign: PhaseDates(started: projectStart.adding(days: 21), finished: projectStart.adding(days: 60)),
        ])
        await pool.close()
    }

    @Test
    func sameJobRunTwiceStoresOneEstimateAndAnswersWithTheFirstResult() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        var job = envelope(project: project.id, ["trials": 2_000])
        let first = try await run(job, pool: pool)
        // The worker died after the commit and before the ack: the job runs again.
        job.attempt = 2
        let second = try await run(job, pool: pool)
        #expect(first != nil && first == second)
        #expect(try await estimateCount(pool) == 1)

        // Two workers running one job at the same moment (a lease lost mid-run) also store one.
        let racing = envelope(project: project.id, ["trials": 50_000])
        async let a = run(racing, pool: pool)
        async let b = run(racing, pool: pool)
        let (ra, rb) = try await (a, b)
        #expect(ra != nil && ra == rb)
        #expect(try await estimateCount(pool) == 2)
        await pool.close()
    }

    @Test
    func invalidOverrideIsAPermanentErrorNamingTheField() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        let cases: [(overrides: [String: JSONValue], field: String)] = [
            (["trials": 0], "trials"),
            (["trails": 1_000], "trails"),
            (["distribution": "gaussian"], "distribution"),
            // Passes the schema; the domain refuses a mode above the max.
            (["phases": [["phase": "system_design", "min": 4, "mode": 9, "max": 6]]], "phases[0].mode"),
            (["risks": [["probability": 0.5, "impact_weeks": 2, "phase": "maintenance_and_support"]]], "risks[0].phase"),
            (["target_date": "2026-02-30"], "target_date"),
        ]
        for (overrides, field) in cases {
            let message = await permanentMessage { _ = try await run(envelope(project: project.id, overrides), pool: pool) }
            #expect(message?.contains(": \(field): ") == true, "\(overrides) → \(message ?? "no permanent error")")
        }
        #expect(try await estimateCount(pool) == 0)
        await pool.close()
    }

    @Test
    func unknownOrMalformedProjectIsAPermanentError() async throws {
        let pool = try await migratedDatabase()
        let unknown = await permanentMessage { _ = try await run(envelope(project: UUID()), pool: pool) }
        #expect(unknown?.contains("project_id: no project") == true)
        let missing = await permanentMessage { _ = try await run(envelope(project: nil, ["trials": 10]), pool: pool) }
        #expect(missing?.contains("project_id: is required") == true)
        let malformed = await permanentMessage {
            _ = try await run(envelope(project: nil, ["project_id": "not-a-uuid-but-thirty-six-characters"]), pool: pool)
        }
        #expect(malformed?.contains("project_id: is not a UUID") == true)
        #expect(try await estimateCount(pool) == 0)
        await pool.close()
    }

    @Test
    func overridesReplaceTheProjectsSettings() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        let overrides: [String: JSONValue] = [
            "trials": 3_000, "seed": 99, "distribution": "triangular",
            "phases": [["phase": "requirements_analysis"], ["phase": "system_design", "distribution": "lognormal"]],
            "factors": ["client_size": "small"], "target_date": "2026-12-31",
            "risks": [["name": "late export", "probability": 1, "impact_weeks": 2, "phase": "system_design"]],
        ]
        _ = try await run(envelope(project: project.id, overrides), pool: pool)
        let estimate = try #require(try await EstimateRepository(pool: pool).latest(of: project.id))
        let input = try JSONDecoder().decode(EstimateInput.self, from: Data(estimate.input.bytes))
        #expect(input.phases.map(\.distribution) == [.triangular, .lognormal])
        #expect(input.factors == DeliveryFactors(clientSize: .small))
        #expect(input.targetDate == CalendarDay("2026-12-31") && input.seed == 99 && input.trials == 3_000)
        #expect(estimate.seed == 99 && estimate.trials == 3_000)
        // A risk that always happens adds its two weeks to every trial.
        #expect(try result(of: estimate).total.min >= 2)
        #expect(estimate.probabilityOnTime == 1)
        await pool.close()
    }

    @Test
    func aLateProjectIsForecastAsOfTodayAndNeverFinishesBeforeIt() async throws {
        let pool = try await migratedDatabase()
        // Started on paper on 2 March 2026 with no phase begun: by the day the suite runs it is late.
        let project = try await createProject(in: pool)
        let today = CalendarDay(unixMilliseconds: WallClock.nowMs())
        _ = try await run(envelope(project: project.id, ["trials": 2_000, "status_date": .null]), pool: pool)
        let estimate = try #require(try await EstimateRepository(pool: pool).latest(of: project.id))
        let result = try result(of: estimate)
        // The job ran today (or, across midnight UTC, yesterday).
        let status = try #require(result.statusDate)
        #expect(status == today || status == today.adding(days: -1))
        #expect(result.percentiles.allSatisfy { $0.finishDate! > status })
        #expect(try #require(estimate.p80Finish) > status)
        await pool.close()
    }

    @Test
    func datesRecordedAheadOfTodayMoveTheStatusDateToTheLatestOfThem() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        let today = CalendarDay(unixMilliseconds: WallClock.nowMs())
        // Entered in advance: requirements done from today + 10 through today + 30.
        let started = today.adding(days: 10), finished = today.adding(days: 30)
        try await ProjectRepository(pool: pool).markPhase(
            .requirementsAnalysis, of: project.id, as: .done, actualStart: started, actualEnd: finished)
        _ = try await run(envelope(project: project.id, ["trials": 1_000, "status_date": .null]), pool: pool)
        let estimate = try #require(try await EstimateRepository(pool: pool).latest(of: project.id))
        let result = try result(of: estimate)
        #expect(estimate.kind == .reforecast && result.statusDate == finished)
        #expect(result.percentiles.allSatisfy { $0.finishDate! > finished })
        await pool.close()
    }
}
