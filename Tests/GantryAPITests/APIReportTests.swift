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
        let project = try await h.project("Tailspin", clientSize: .large, start: "2026-02-02", target: "2026-12-01", status: .active)
        // The real report.build handler renders and stores the three formats.
        let job = JobEnvelope(
            kind: ReportBuildKind.name, payload: ["project_id": .string(project.id.uuidString.lowercased())],
            projectID: project.id.uuidString.lowercased())
        try await h.perform(job)
        let pool = h.pgPool
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
        try await APIHarness.serve("api report bad") { h, api in
            let refusals: [(path: String, status: Int, field: String?)] = [
                ("/v1/reports/\(UUID().uuidString)", 404, nil), ("/v1/reports/report-1", 400, nil),
                ("/v1/reports?project_id=abc", 400, "project_id"), ("/v1/reports?format=pdf", 400, nil),
                ("/v1/reports?limit=5000", 400, nil),
            ]
            for refusal in refusals {
                let answer = try await api.call(.get, refusal.path, token: h.read)
                #expect(answer.status == refusal.status, "\(refusal.path): \(answer.text)")
                if let field = refusal.field { #expect(answer.errorField == field, "\(refusal.path)") }
                #expect(answer.error["message"] is String, "\(answer.status) \(answer.text)")
                #expect(!answer.text.contains("SELECT"))
            }
            let none = try await api.call(.get, "/v1/reports", token: h.read)
            #expect(none.status == 200)
            #expect((none.object["reports"] as? [Any])?.isEmpty == true)
        }
    }
}
