import Foundation
import GantryAPI
import GantryCore
import GantryJobs
import GantryKinds
import GantryPostgresStore
import GantryTesting
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("API: imports", .enabled(if: TestServers.areAvailable))
struct APIImportTests {
    /// Serves an API whose store holds one project, of a new client named `client`, for `body`.
    static func withProject(
        _ client: String, _ body: @Sendable (APIHarness, ProjectRecord, APIClient) async throws -> Void
    ) async throws {
        let h = try await APIHarness.make("api import \(client)")
        let project = try await h.project(client, clientSize: .medium, start: "2026-04-06")
        try await h.run { api in try await body(h, project, api) }
    }

    @Test
    func aCSVIsSplitIntoBatchJobsAndItsStatusReconciliationAndRowResultsAreRead() async throws {
        try await Self.withProject("Fabrikam") { h, project, api in
            // Five rows, the fifth repeating the first's external id: rejected, naming the column.
            let csv = "external_id,name,industry\r\nA1,\"Alpha, Ltd\",retail\r\nA2,Beta,retail\r\nA3,Gamma,banking\r\nA4,Delta,retail\r\nA1,Again,retail\r\n"
            let created = try await api.call(
                .post, "/v1/imports?project_id=\(project.id.uuidString)&entity=accounts&name=accounts.csv", token: h.submit,
                body: csv, contentType: "text/csv")
            #expect(created.status == 202, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            #expect(created.object["status"] as? String == "loading")
            #expect(created.object["source_rows"] as? Int == 5)
            #expect(created.object["source_name"] as? String == "accounts.csv")
            #expect(created.object["profile"] as? String == "gantry")
            let jobIDs = try #require(created.object["job_ids"] as? [String])
            #expect(jobIDs.count == created.object["batch_count"] as? Int)
            #expect(jobIDs.count == 3)

            for job in jobIDs { #expect(try await h.perform(enqueued: job, api: api) == MigrationBatchKind.name) }

            let status = try await api.call(.get, "/v1/imports/\(id)", token: h.read)
            #expect(status.status == 200)
            #expect(status.object["batches_done"] as? Int == 3)
            #expect(status.object["job_ids"] == nil)
            let counts = try #require(status.object["counts"] as? [String: Any])
            #expect(counts["created"] as? Int == 4)
            #expect(counts["rejected"] as? Int == 1)
            #expect(["balanced", "unbalanced"].contains(status.object["status"] as? String ?? ""))
            #expect(status.object["reconciliation"] is [String: Any])

            let results = try await api.call(.get, "/v1/imports/\(id)/results", token: h.read)
            #expect(results.status == 200)
            #expect(results.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = results.text.split(separator: "\r\n").map(String.init)
            #expect(lines.first == "row,external_id,outcome,column,error")
            #expect(lines.count == 6)
            #expect(lines[1].hasPrefix("1,A1,created,"))
            let rejected = try await api.call(.get, "/v1/imports/\(id)/results?outcome=rejected", token: h.read)
            let rejectedLines = rejected.text.split(separator: "\r\n").map(String.init)
            #expect(rejectedLines.count == 2)
            #expect(rejectedLines.last?.hasPrefix("5,A1,rejected,external_id,") == true)
        }
    }

    @Test
    func badImportRequestsGetTheErrorShape() async throws {
        try await Self.withProject("Litware") { h, project, api in
            let base = "/v1/imports?project_id=\(project.id.uuidString)"
            let noProject = try await api.call(
                .post, "/v1/imports?project_id=\(UUID().uuidString)&entity=accounts", token: h.submit, body: "external_id,name\r\n",
                contentType: "text/csv")
            #expect(noProject.status == 404)
            #expect(noProject.errorField == "project_id")
            let badEntity = try await api.call(.post, base + "&entity=planets", token: h.submit, body: "a\r\n", contentType: "text/csv")
            #expect(badEntity.status == 400 || badEntity.status == 422)
            let json = try await api.call(.post, base + "&entity=accounts", token: h.submit, json: "{}")
            #expect(json.status == 415)
            let badHeader = try await api.call(
                .post, base + "&entity=accounts", token: h.submit, body: "colour,flavour\r\nred,sweet\r\n", contentType: "text/csv")
            #expect(badHeader.status == 422, "\(badHeader.text)")
            let notAnID = try await api.call(.post, "/v1/imports?project_id=nope&entity=accounts", token: h.submit, body: "x", contentType: "text/csv")
            #expect(notAnID.status == 400)
            let unknown = try await api.call(.get, "/v1/imports/\(UUID().uuidString)", token: h.read)
            #expect(unknown.status == 404)
            let unknownResults = try await api.call(.get, "/v1/imports/\(UUID().uuidString)/results", token: h.read)
            #expect(unknownResults.status == 404)
            let badOutcome = try await api.call(.get, "/v1/imports/\(UUID().uuidString)/results?outcome=lost", token: h.read)
            #expect(badOutcome.status == 400)
            for answer in [noProject, badEntity, json, badHeader, notAnID, unknown, unknownResults, badOutcome] {
                #expect(answer.error["message"] is String, "\(answer.status) \(answer.text)")
                #expect(!answer.text.contains("SELECT") && !answer.text.contains("INSERT"))
            }
        }
    }
}
