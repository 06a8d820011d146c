import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// The project report's P80 trend: one row per forecast, each with its P80 finish's move since the first.
@Suite("report.build: P80 trend", .migratedDatabase)
struct ReportTrendTests {
    @Test
    func theProjectViewShowsTheP80TrendOnceThereAreTwoForecasts() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        let first = try await ReportFixture.estimate(project.id, pool: pool)
        let html = { () async throws -> String in
            _ = try await ReportFixture.run(ReportFixture.projectJob(project.id), pool: pool)
            let stored = try #require(try await ReportRepository(pool: pool).latest(projectID: project.id, format: .html))
            return try #require(String(bytes: stored.content, encoding: .utf8))
        }
        #expect(!(try await html()).contains("P80 trend"), "one forecast is no trend")

        // A certain four-week risk in deployment moves the P80 finish out.
        let second = try await ReportFixture.estimate(
            project.id, pool: pool,
            ["risks": [["name": "Cut-over weekend moved", "probability": 1, "impact_weeks": 4, "phase": "deployment_and_training"]]])
        let firstFinish = try #require(first.p80Finish)
        let secondFinish = try #require(second.p80Finish)
        #expect(secondFinish > firstFinish)
        let page = try await html()
        #expect(page.contains("<h3>P80 trend</h3>"))
        #expect(page.contains("<td>\(firstFinish)</td><td class=\"num\">0 d</td>"), "\(page)")
        #expect(page.contains("<td>\(secondFinish)</td><td class=\"num\">+\(firstFinish.days(until: secondFinish)) d</td>"))
    }
}
