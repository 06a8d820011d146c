import Foundation
import GantryAPI
import GantryCore
import GantryJobs
import GantryPostgresStore
import GantryTesting
import Testing

@Suite("API: reports", .enabled(if: TestServers.areAvailable))
struct APIReportTests {
    @Test
    func reportsAreListedNewestFirstAndDownloadedInTheirFormat() async throws {
        let h = try await APIHarness.make("api report one")
        let pool = h.pgPool
        let client = try await ClientRepository(pool: pool).createClient(name: "Tailspin", size: .large)
        let project = try await ProjectRepository(pool: pool).createProject(
            clientID: client.id, name: "Tailspin CRM", startDate: CalendarDate(year: 2026, month: 2, day: 2)!,
            targetDate: CalendarDate(year: 2026, month: 12, day: 1)!, status: .active)
        // The real report.build handler renders and stores the three formats.
        var registry = HandlerRegistry()
        ReportBuildHandler.register(into: &registry, store: GantryStore(pool: pool))
        let handler = try #require(registry.handler(for: ReportBuildKind.name))
        var job = JobEnvelope(
            kind: ReportBuildKind.name, payload: ["project_id": .string(project.id.uuidString.lowercased())],
            projectID: project.id.uuidString.lowercased())
        job.attempt = 1
        _ = try await handler(
            job.payload,
            JobContext(envelope: job, logger: .init(label: "test"), deadlineMs: WallClock.nowMs() + 60_000, progress: { _, _ in }))
        let stored = try await ReportRepository(pool: pool).reports(producedBy: job.id.uuid)
        #expect(stored.count == 3)
        let jobID = job.id.description

        try await h.run { api in
            let listed = try await api.call(.get, "/v1/reports?project_id=\(project.id.uuidString)", token: h.read)
            #expect(listed.status == 200)
            let reports = try #require(listed.object["reports"] as? [[String: Any]])
            #expect(reports.count == 3)
            #expect(Set(reports.compactMap { $0["format"] as? String }) == ["html", "csv", "json"])
            #expect(reports.allSatisfy { $0["job_id"] as? String == jobID && $0["scope"] as? String == "project" })
            #expect(reports.allSatisfy { $0["content"] == nil })
            let csvOnly = try await api.call(.get, "/v1/reports?format=csv&limit=10", token: h.read)
            #expect((csvOnly.object["reports"] as? [[String: Any]])?.count == 1)
            let otherProject = try await api.call(.get, "/v1/reports?project_id=\(UUID().uuidString)", token: h.read)
            #expect((otherProject.object["reports"] as? [Any])?.isEmpty == true)

            for record in stored {
                let summary = try #require(reports.first { $0["id"] as? String == record.id.uuidString.lowercased() })
                #expect(summary["size"] as? Int == record.content.count)
                #expect(summary["sha256"] as? String == record.sha256)
                let download = try await api.call(.get, "/v1/reports/\(record.id.uuidString)", token: h.read)
                #expect(download.status == 200)
                // The runtime percent-encodes quotes in headers, so the tag is the bare hex digest.
                #expect(download.headers[.eTag] == record.sha256)
                switch record.format {
                case .html:
                    #expect(download.headers[.contentType]?.hasPrefix("text/html") == true)
                    #expect(Array(download.body) == record.content)
                case .csv:
                    #expect(download.headers[.contentType]?.hasPrefix("text/csv") == true)
                    #expect(Array(download.body) == record.content)
                case .json:
                    #expect(download.headers[.contentType]?.hasPrefix("application/json") == true)
                    let answered = try #require(download.json as? NSDictionary)
                    let original = try #require(try JSONSerialization.jsonObject(with: Data(record.content)) as? NSDictionary)
                    #expect(answered == original)
                }
            }
        }
    }

    @Test
    func unknownReportsAndBadFiltersGetTheErrorShape() async throws {
        let h = try await APIHarness.make("api report bad")
        try await h.run { api in
            let unknown = try await api.call(.get, "/v1/reports/\(UUID().uuidString)", token: h.read)
            #expect(unknown.status == 404)
            let notAnID = try await api.call(.get, "/v1/reports/report-1", token: h.read)
            #expect(notAnID.status == 400)
            let badProject = try await api.call(.get, "/v1/reports?project_id=abc", token: h.read)
            #expect(badProject.status == 400)
            #expect(badProject.errorField == "project_id")
            let badFormat = try await api.call(.get, "/v1/reports?format=pdf", token: h.read)
            #expect(badFormat.status == 400)
            let badLimit = try await api.call(.get, "/v1/reports?limit=5000", token: h.read)
            #expect(badLimit.status == 400)
            let none = try await api.call(.get, "/v1/reports", token: h.read)
            #expect(none.status == 200)
            #expect((none.object["reports"] as? [Any])?.isEmpty == true)
            for answer in [unknown, notAnID, badProject, badFormat, badLimit] {
                #expect(answer.error["message"] is String, "\(answer.status) \(answer.text)")
                #expect(!answer.text.contains("SELECT"))
            }
        }
    }
}
