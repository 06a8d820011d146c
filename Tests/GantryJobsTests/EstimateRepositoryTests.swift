import GantryDomain
import Foundation
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// Migration 4 and `EstimateRepository` on a real PostgreSQL.
@Suite("Estimates table and repository", .migratedDatabase)
struct EstimateRepositoryTests {
    func draft(_ project: UUID, job: UUID = UUID(), p50: Double = 20, p80: Double = 24, p90: Double = 26) -> NewEstimate {
        NewEstimate(
            projectID: project, jobID: job, kind: .forecast, input: PostgresJSON("{}"), result: PostgresJSON(#"{"trials": 10}"#),
            trials: 10, seed: 1, p50Weeks: p50, p80Weeks: p80, p90Weeks: p90,
            p80Finish: CalendarDay(year: 2026, month: 8, day: 14), probabilityOnTime: 0.4)
    }


    @Test
    func insertsReadsBackNewestFirstAndRefusesInconsistentRows() async throws {
        let pool = try await migratedDatabase()
        let recorded = try await pool.query("SELECT name FROM gantry_schema_migrations WHERE version = 4")
        #expect(try recorded.first?.decode(0, as: String.self) == "estimates")
        let project = try await createProject(in: pool)
        let repository = EstimateRepository(pool: pool)
        #expect(try await repository.latest(of: project.id) == nil)

        let first = try await repository.insert(draft(project.id, p50: 20.12345))
        #expect(first.p50Weeks == 20.123 && first.kind == .forecast && first.probabilityOnTime == 0.4)
        #expect(first.p80Finish == CalendarDay(year: 2026, month: 8, day: 14))
        let second = try await repository.insert(draft(project.id))
        #expect(try await repository.latest(of: project.id) == second)
        #expect(try await repository.estimates(of: project.id) == [second, first])
        #expect(try await repository.estimate(producedBy: first.jobID) == first)

        #expect(await sqlState { try await repository.insert(draft(project.id, job: first.jobID)) } == "23505")
        #expect(await sqlState { try await repository.insert(draft(UUID())) } == "23503")
        #expect(await sqlState { try await repository.insert(draft(project.id, p50: 30)) } == "23514")
        await pool.close()
    }
}
