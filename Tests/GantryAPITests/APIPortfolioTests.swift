import Foundation
import GantryAPI
import GantryCore
import GantryDomain
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

@Suite("API: portfolio", .enabled(if: TestServers.areAvailable))
struct APIPortfolioTests {
    /// A forecast made by no job, straight in `estimates`, with the P80 finish a test wants.
    static func forecast(_ projectID: UUID, p80Finish: String, pool: PostgresConnectionPool, createdAt: String = "now()") async throws {
        let day = try #require(CalendarDay(p80Finish))
        try await pool.query(
            """
            INSERT INTO estimates (project_id, job_id, input, result, trials, seed, p50_weeks, p80_weeks, p90_weeks,
                                   p80_finish, kind, created_at)
            VALUES (\(projectID), \(UUID()), '{}', '{}', 100, 1, 10, 12, 14, \(day), 'forecast', \(unsafeRaw: createdAt))
            """)
    }

    @Test
    func thePortfolioCountsPhasesStatusesAndHealthAndRanksProjectsBySlip() async throws {
        let h = try await APIHarness.make("api portfolio")
        let projects = ProjectRepository(pool: h.pgPool)
        let late = try await h.project("Late", clientSize: .large, start: "2026-01-05", target: "2026-06-01", status: .active)
        let early = try await h.project("Early", clientSize: .small, start: "2026-01-05", target: "2026-09-01", status: .active)
        let noTarget = try await h.project("Aimless", clientSize: .medium, start: "2026-02-02")
        let noForecast = try await h.project("Blind", clientSize: .medium, start: "2026-02-02", target: "2026-10-01")
        let finished = try await h.project("Finished", clientSize: .small, start: "2025-01-06", target: "2025-09-01", status: .done)

        // Two forecasts for Late: only the newer one counts (30 days late); Early is 10 days early.
        try await Self.forecast(late.id, p80Finish: "2026-05-01", pool: h.pgPool, createdAt: "now() - interval '2 days'")
        try await Self.forecast(late.id, p80Finish: "2026-07-01", pool: h.pgPool, createdAt: "now() - interval '1 hour'")
        try await Self.forecast(early.id, p80Finish: "2026-08-22", pool: h.pgPool)
        try await Self.forecast(noTarget.id, p80Finish: "2026-08-01", pool: h.pgPool)
        try await Self.forecast(finished.id, p80Finish: "2025-09-03", pool: h.pgPool)
        // Late is in system design and at risk; Finished has every phase done.
        let day = try #require(CalendarDay("2026-01-05"))
        for step in DeliveryPhase.requirementsAnalysis.steps {
            try await projects.markStep(step, in: .requirementsAnalysis, of: late.id, as: .done, actualStart: day, actualEnd: day)
        }
        try await projects.markPhase(.requirementsAnalysis, of: late.id, as: .done, actualStart: day, actualEnd: day)
        for phase in DeliveryPhase.allCases {
            for step in phase.steps {
                try await projects.markStep(step, in: phase, of: finished.id, as: .done, actualStart: day, actualEnd: day)
            }
            try await projects.markPhase(phase, of: finished.id, as: .done, actualStart: day, actualEnd: day)
        }
        try await h.pgPool.query("UPDATE projects SET at_risk = true WHERE id = \(late.id)")

        try await h.run { api in
            let answer = try await api.call(.get, "/v1/portfolio", token: h.read)
            #expect(answer.status == 200, "\(answer.text)")
            let p = answer.object
            #expect(p["project_count"] as? Int == 5)

            let byPhase = try #require(p["by_phase"] as? [[String: Any]])
            #expect(byPhase.map { $0["key"] as? String } == DeliveryPhase.allCases.map(\.rawValue) + ["done"])
            let phaseCounts = Dictionary(uniqueKeysWithValues: byPhase.map { ($0["key"] as? String ?? "", $0["projects"] as? Int ?? -1) })
            #expect(phaseCounts["requirements_analysis"] == 3)
            #expect(phaseCounts["system_design"] == 1)
            #expect(phaseCounts["done"] == 1)
            let byStatus = try #require(p["by_status"] as? [[String: Any]])
            let statusCounts = Dictionary(uniqueKeysWithValues: byStatus.map { ($0["key"] as? String ?? "", $0["projects"] as? Int ?? -1) })
            #expect(statusCounts == ["planned": 2, "active": 2, "on_hold": 0, "done": 1, "cancelled": 0])
            let health = try #require(p["health"] as? [String: Any])
            #expect(health["at_risk"] as? Int == 1)
            #expect(health["on_track"] as? Int == 3)

            // Largest slip first; without a target or a forecast last, by name.
            let ranked = try #require(p["projects"] as? [[String: Any]])
            #expect(ranked.map { $0["name"] as? String } == ["Late CRM", "Finished CRM", "Early CRM", "Aimless CRM", "Blind CRM"])
            #expect(ranked.map { $0["rank"] as? Int } == [1, 2, 3, 4, 5])
            #expect(ranked.map { $0["slip_days"] as? Int } == [30, 2, -10, nil, nil])
            let first = ranked[0]
            #expect(first["id"] as? String == late.id.uuidString.lowercased())
            #expect(first["p80_finish"] as? String == "2026-07-01")
            #expect(first["target_date"] as? String == "2026-06-01")
            #expect(first["current_phase"] as? String == "system_design")
            #expect(first["at_risk"] as? Bool == true)
            let age = try #require(first["forecast_age_seconds"] as? Int)
            #expect(age >= 3_600 && age < 2 * 86_400)
            #expect(ranked[1]["current_phase"] == nil)
            #expect(ranked[4]["forecast_age_seconds"] == nil && ranked[4]["forecast_created_at"] == nil)
        }
    }

    @Test
    func upcomingGatesAndGoLivesLeaveOutWhatIsDoneAndWhatIsCancelled() async throws {
        let h = try await APIHarness.make("api portfolio gates")
        let projects = ProjectRepository(pool: h.pgPool)
        let reviewed = try await h.project("Reviewed", clientSize: .medium, start: "2026-03-02", target: "2026-12-01")
        let fresh = try await h.project("Fresh", clientSize: .medium, start: "2026-01-05", target: "2026-10-01")
        let dropped = try await h.project("Dropped", clientSize: .medium, start: "2026-01-05", status: .cancelled)
        try await Self.forecast(fresh.id, p80Finish: "2026-09-15", pool: h.pgPool)
        let day = try #require(CalendarDay("2026-03-02"))
        try await projects.markStep("review", in: .requirementsAnalysis, of: reviewed.id, as: .done, actualStart: day, actualEnd: day)

        try await h.run { api in
            let answer = try await api.call(.get, "/v1/portfolio", token: h.read)
            #expect(answer.status == 200, "\(answer.text)")
            let gates = try #require(answer.object["upcoming_gates"] as? [[String: Any]])
            let pairs = gates.map { "\($0["project_name"] as? String ?? "?") \($0["phase"] as? String ?? "?").\($0["step"] as? String ?? "?")" }
            #expect(!pairs.contains { $0.hasPrefix("Dropped") })
            #expect(pairs.contains("Fresh CRM requirements_analysis.review"))
            #expect(!pairs.contains("Reviewed CRM requirements_analysis.review"))
            #expect(pairs.contains("Reviewed CRM development_and_testing.user_acceptance_testing"))
            #expect(gates.count == 3)
            let ends = gates.compactMap { $0["planned_end"] as? String }
            #expect(ends == ends.sorted(), "earliest planned end first")
            // Planned in 2026 and the test runs later than that only if the clock is wrong: judge against `today`.
            let today = try #require(answer.object["today"] as? String)
            for gate in gates {
                let end = try #require(gate["planned_end"] as? String)
                #expect(gate["overdue"] as? Bool == (end < today))
            }

            let goLives = try #require(answer.object["go_lives"] as? [[String: Any]])
            #expect(goLives.map { $0["project_name"] as? String } == ["Fresh CRM", "Reviewed CRM"])
            #expect(goLives.first?["p80_finish"] as? String == "2026-09-15")
            #expect(goLives.first?["planned"] != nil)
            #expect(goLives.last?["p80_finish"] == nil)
            _ = dropped
        }
    }

    @Test
    func thePortfolioNeedsAReadToken() async throws {
        try await APIHarness.serve("api portfolio auth") { h, api in
            #expect(try await api.call(.get, "/v1/portfolio").status == 401)
            #expect(try await api.call(.get, "/v1/portfolio", token: h.submit).status == 403)
            let empty = try await api.call(.get, "/v1/portfolio", token: h.read)
            #expect(empty.status == 200)
            #expect(empty.object["project_count"] as? Int == 0)
            #expect((empty.object["projects"] as? [Any])?.isEmpty == true)
        }
    }
}
