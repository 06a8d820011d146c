import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// `estimate.simulate` in calibration mode on a real PostgreSQL: each test migrates its own database
/// and writes the firm's history as finished projects through the CRM repositories.
@Suite("estimate.simulate calibration", .migratedDatabase)
struct EstimateCalibrationHandlerTests {
    /// Working days per planned week of the seed's four delivery phases (3, 5, 10 and 3 weeks).
    static let plannedWeeks: [(DeliveryPhase, Double)] = [
        (.requirementsAnalysis, 3), (.systemDesign, 5), (.developmentAndTesting, 10), (.deploymentAndTraining, 3),
    ]

    /// A project whose delivery phases ran back to back from its start, each taking `ratio` times its
    /// planned weeks (in working days, so `ratio × 5 × weeks` must be whole), and are all done.
    /// `throughPhase` stops after that many phases, leaving the project in progress.
    @discardableResult
    func createFinishedProject(
        in pool: PostgresConnectionPool, size: ClientRecord.Size, ratio: Double, status: ProjectRecord.Status = .done,
        throughPhase: Int = 4
    ) async throws -> ProjectRecord {
        let client = try await ClientRepository(pool: pool).createClient(name: "Past \(size)", size: size)
        let projects = ProjectRepository(pool: pool)
        let project = try await projects.createProject(
            clientID: client.id, name: "Past rollout", startDate: projectStart, factors: ProjectFactors(clientSize: size),
            status: status)
        let calendar = WorkingCalendar(startDate: CalendarDay(dayNumber: projectStart.dayNumber))
        var daysSoFar = 0
        for (phase, weeks) in Self.plannedWeeks.prefix(throughPhase) {
            let days = Int((weeks * 5 * ratio).rounded())
            try #require(abs(Double(days) - weeks * 5 * ratio) < 1e-9, "ratio \(ratio) gives whole days")
            let start = calendar.date(ofWorkingDay: daysSoFar + 1), end = calendar.date(ofWorkingDay: daysSoFar + days)
            try await projects.markPhase(
                phase, of: project.id, as: .done, actualStart: CalendarDay(dayNumber: start.dayNumber),
                actualEnd: CalendarDay(dayNumber: end.dayNumber))
            daysSoFar += days
        }
        return project
    }

    /// A stored estimate with only the figures coverage reads.
    func storeEstimate(
        _ kind: EstimateRecord.Kind, of project: UUID, p50: Double, p80: Double, in pool: PostgresConnectionPool
    ) async throws {
        let empty = PostgresJSON(bytes: Array("{}".utf8))
        try await EstimateRepository(pool: pool).insert(
            NewEstimate(
                projectID: project, jobID: UUID(), kind: kind, input: empty, result: empty, trials: 1, seed: 0,
                p50Weeks: p50, p80Weeks: p80, p90Weeks: p80, p80Finish: nil, probabilityOnTime: nil))
    }

    /// Three medium projects that ran 1.4 × their plan and three large ones that ran 2.8 × (large = 2.0
    /// on top of the firm's 1.4), plus projects calibration must ignore: a cancelled one and one
    /// still in progress, both with other ratios that would spoil the fit.
    func createHistory(in pool: PostgresConnectionPool) async throws -> (medium: [ProjectRecord], large: [ProjectRecord]) {
        var medium: [ProjectRecord] = [], large: [ProjectRecord] = []
        for _ in 0..<3 {
            medium.append(try await createFinishedProject(in: pool, size: .medium, ratio: 1.4))
            large.append(try await createFinishedProject(in: pool, size: .large, ratio: 2.8))
        }
        try await createFinishedProject(in: pool, size: .medium, ratio: 2, status: .cancelled)
        try await createFinishedProject(in: pool, size: .medium, ratio: 3, status: .active, throughPhase: 3)
        return (medium, large)
    }

    func calibrationJob(_ project: UUID, _ overrides: [String: JSONValue] = [:]) -> JobEnvelope {
        envelope(project: project, overrides.merging(["mode": "calibration"]) { $1 })
    }

    func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let d)?: d
        case .integer(let i)?: Double(i)
        default: nil
        }
    }

    @Test
    func calibrationRecoversTheFirmsMultipliersFromFinishedProjectsAndStoresThem() async throws {
        let pool = try await migratedDatabase()
        let (medium, large) = try await createHistory(in: pool)
        // A forecast recorded before the work began counts; a re-forecast knew actuals and does not.
        try await storeEstimate(.forecast, of: medium[0].id, p50: 20, p80: 100, in: pool)
        try await storeEstimate(.reforecast, of: large[0].id, p50: 90, p80: 100, in: pool)
        let target = try await createProject(in: pool)
        let progress = ProgressLog()
        let job = calibrationJob(target.id, ["trials": 5_000, "seed": 3])
        let summary = try #require(try await run(job, pool: pool, progress: progress))

        #expect(summary["kind"] == "calibration")
        let fit = try #require(summary["calibration"])
        #expect(fit["project_count"] == 6 && fit["observation_count"] == 24)
        let multipliers = try #require(fit["multipliers"])
        for phase in DeliveryPhase.simulated {
            let bias = try #require(number(multipliers["phase_bias"]?[phase.rawValue]), "\(phase)")
            #expect(abs(bias - 1.4) < 1e-3, "\(phase): \(bias)")
        }
        let fittedLarge = try #require(number(multipliers["client_size"]?["large"]))
        #expect(abs(fittedLarge - 2.0) < 1e-3)
        // Noise-free history: the factors explain everything.
        #expect(try #require(number(fit["residual_log_sigma"])) < 1e-3)
        guard case .array(let unfitted)? = fit["unfitted_levels"] else {
            Issue.record("unfitted_levels missing")
            return
        }
        #expect(unfitted.contains("client_size.small") && !unfitted.contains("client_size.large"))

        // Every actual overran the prior's forecast far beyond its P80 (29.4 and 58.8 weeks against
        // about 24 and 28), except the project whose recorded P80 was 100 weeks.
        let coverage = try #require(summary["coverage"])
        #expect(coverage["evaluated"] == 6 && coverage["skipped"] == 0)
        #expect(coverage["under_p80"] == 1 && coverage["under_p50"] == 0)
        #expect(abs(try #require(number(coverage["share_under_p80"])) - 1.0 / 6) < 1e-12)

        let stored = try #require(try await EstimateRepository(pool: pool).estimate(producedBy: job.id.uuid))
        #expect(stored.kind == .calibration && stored.projectID == target.id)
        #expect(stored.trials == 5_000 && stored.seed == 3)
        let input = try JSONDecoder().decode(EstimateInput.self, from: Data(stored.input.bytes))
        #expect(abs(try #require(input.multipliers.clientSize[.large]) - 2.0) < 1e-3)
        // The level the history never saw keeps the prior.
        #expect(input.multipliers.complexity[.high] == FactorMultipliers.defaults.complexity[.high])
        #expect(input.factors == DeliveryFactors(clientSize: .large, complexity: .high))
        // A noise-free history: no spread beyond the plan, no swans.
        #expect(input.tail == .none)
        // The target: 21 planned weeks × 1.4 × large 2.0 × high complexity 1.17 ≈ 68.8 weeks.
        #expect((62.0...76.0).contains(stored.p50Weeks), "\(stored.p50Weeks)")
        // The stored result is still an EstimateResult for every reader, with the fit beside it.
        let result = try JSONDecoder().decode(EstimateResult.self, from: Data(stored.result.bytes))
        #expect(abs(try #require(result.percentile(80)).weeks - stored.p80Weeks) < 0.001)
        let raw = try JSONValue.parse(stored.result.bytes)
        #expect(raw["calibration"] == fit && raw["coverage"] == coverage)
        #expect(summary["estimate_id"] == .string(stored.id.uuidString.lowercased()))
        #expect(progress.percents == [10, 90])
        await pool.close()
    }

    @Test
    func calibrationWithoutAFinishedProjectIsAPermanentError() async throws {
        let pool = try await migratedDatabase()
        let target = try await createProject(in: pool)
        try await createFinishedProject(in: pool, size: .medium, ratio: 1.4, status: .cancelled)
        try await createFinishedProject(in: pool, size: .large, ratio: 1.4, status: .active, throughPhase: 3)
        let message = await permanentMessage { _ = try await run(calibrationJob(target.id), pool: pool) }
        #expect(message?.contains("no finished project to learn from") == true, "\(message ?? "no permanent error")")
        #expect(try await estimateCount(pool) == 0)
        await pool.close()
    }

    @Test
    func sameCalibrationJobRunTwiceStoresOneEstimateAndAnswersWithTheFirstResult() async throws {
        let pool = try await migratedDatabase()
        _ = try await createHistory(in: pool)
        let target = try await createProject(in: pool)
        var job = calibrationJob(target.id, ["trials": 2_000])
        let first = try await run(job, pool: pool)
        // The worker died after the commit and before the ack: the job runs again.
        job.attempt = 2
        let second = try await run(job, pool: pool)
        #expect(first != nil && first == second)
        #expect(first?["coverage"] != nil && first?["coverage"] != .null)
        #expect(try await estimateCount(pool) == 1)
        await pool.close()
    }

    @Test
    func levelsSeenTooRarelyKeepThePriorAndPayloadMultipliersAreThePrior() async throws {
        let pool = try await migratedDatabase()
        _ = try await createHistory(in: pool)
        let target = try await createProject(in: pool)
        // Three large projects give 12 phase outcomes: fewer than 13.
        let job = calibrationJob(
            target.id, ["trials": 1_000, "minimum_observations": 13, "multipliers": ["client_size": ["large": 1.5]]])
        let summary = try #require(try await run(job, pool: pool))
        guard case .array(let unfitted)? = summary["calibration"]?["unfitted_levels"] else {
            Issue.record("unfitted_levels missing")
            return
        }
        #expect(unfitted.contains("client_size.large"))
        #expect(number(summary["calibration"]?["multipliers"]?["client_size"]?["large"]) == 1.5)
        await pool.close()
    }

    @Test
    func calibrationOptionsAreCheckedLikeAnyOtherField() async throws {
        let pool = try await migratedDatabase()
        _ = try await createHistory(in: pool)
        let target = try await createProject(in: pool)
        let cases: [(overrides: [String: JSONValue], field: String)] = [
            (["mode": "calibrate"], "mode"),
            (["mode": "calibration", "minimum_observations": 0], "minimum_observations"),
            // Only calibration fits anything.
            (["minimum_observations": 5], "minimum_observations"),
        ]
        for (overrides, field) in cases {
            let message = await permanentMessage { _ = try await run(envelope(project: target.id, overrides), pool: pool) }
            #expect(message?.contains(": \(field): ") == true, "\(overrides) → \(message ?? "no permanent error")")
        }
        #expect(try await estimateCount(pool) == 0)
        await pool.close()
    }
}
