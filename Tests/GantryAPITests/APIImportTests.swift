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

/// GantryJobs' importer behind the API's seam, as `gantry api` wires it.
struct TestImportPlanner: ImportPlanning {
    let importer: MigrationImporter

    func plan(_ request: ImportPlanRequest) async throws -> ImportPlan {
        do {
            let started = try await importer.start(
                ImportRequest(
                    projectID: request.projectID, entity: request.entity, profile: request.profile,
                    sourceName: request.sourceName, csv: request.csv, batchSize: 2))
            return ImportPlan(importID: started.importID, jobs: started.jobs)
        } catch let error as DataImportError {
            throw APIError(422, "invalid_import", error.message, field: "body")
        }
    }
}

extension APIHarness {
    /// `run` with the import planner wired in (the shared harness has none).
    func runWithPlanner<T: Sendable>(_ body: @Sendable (APIClient) async throws -> T) async throws -> T {
        var dependencies = self.dependencies
        dependencies.importPlanner = TestImportPlanner(importer: MigrationImporter(store: GantryStore(pool: pgPool)))
        let app = try GantryAPI.buildApplication(configuration: configuration, dependencies: dependencies)
        defer {
            let r = redisPool
            let p = pgPool
            Task { await r.close(); await p.close() }
        }
        return try await app.test(.live) { client in try await body(APIClient(client: client)) }
    }
}

@Suite("API: imports", .enabled(if: TestServers.areAvailable))
struct APIImportTests {
    /// Runs one enqueued `migration.batch` job with the real handler, as a worker would.
    static func runBatch(_ id: String, api: APIClient, token: String, handler: @Sendable (JSONValue, JobContext) async throws -> JSONValue?)
        async throws
    {
        let job = try await api.call(.get, "/v1/jobs/\(id)", token: token)
        #expect(job.status == 200)
        #expect(job.object["kind"] as? String == MigrationBatchKind.name)
        let payloadData = try JSONSerialization.data(withJSONObject: try #require(job.object["payload"]))
        let payload = try JSONValue.parse(Array(payloadData))
        var envelope = JobEnvelope(kind: MigrationBatchKind.name, payload: payload, projectID: job.object["project_id"] as? String)
        envelope.id = try #require(JobID(id))
        envelope.attempt = 1
        _ = try await handler(
            payload,
            JobContext(envelope: envelope, logger: .init(label: "test"), deadlineMs: WallClock.nowMs() + 60_000, progress: { _, _ in }))
    }

    @Test
    func aCSVIsSplitIntoBatchJobsAndItsStatusReconciliationAndRowResultsAreRead() async throws {
        let h = try await APIHarness.make("api import one")
        let pool = h.pgPool
        let client = try await ClientRepository(pool: pool).createClient(name: "Fabrikam", size: .medium)
        let project = try await ProjectRepository(pool: pool).createProject(
            clientID: client.id, name: "Fabrikam CRM", startDate: CalendarDate(year: 2026, month: 4, day: 6)!)
        var registry = HandlerRegistry()
        MigrationBatchHandler.register(into: &registry, store: GantryStore(pool: pool))
        let handler = try #require(registry.handler(for: MigrationBatchKind.name))
        try await h.runWithPlanner { api in
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

            for job in jobIDs { try await Self.runBatch(job, api: api, token: h.read, handler: handler) }

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
        let h = try await APIHarness.make("api import bad")
        let pool = h.pgPool
        let client = try await ClientRepository(pool: pool).createClient(name: "Litware", size: .small)
        let project = try await ProjectRepository(pool: pool).createProject(
            clientID: client.id, name: "Litware CRM", startDate: CalendarDate(year: 2026, month: 4, day: 6)!)
        try await h.runWithPlanner { api in
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
