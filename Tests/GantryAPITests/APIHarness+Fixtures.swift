import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgresStore
import Testing

/// What the API tests put in the stores behind the API's back, and the jobs they run in a worker's place.
extension APIHarness {
    /// A project of a new client named after it, straight in the store.
    func project(
        _ name: String, clientSize: ClientRecord.Size, start: String, target: String? = nil,
        status: ProjectRecord.Status = .planned
    ) async throws -> ProjectRecord {
        let client = try await ClientRepository(pool: pgPool).createClient(name: name, size: clientSize)
        return try await ProjectRepository(pool: pgPool).createProject(
            clientID: client.id, name: name + " CRM", startDate: try #require(CalendarDay(start)),
            targetDate: try target.map { try #require(CalendarDay($0)) }, status: status)
    }

    /// Runs `job` once with its kind's real handler, as a worker would: its first attempt, a minute to finish.
    @discardableResult
    func perform(_ job: JobEnvelope) async throws -> JSONValue? {
        var registry = HandlerRegistry()
        let store = GantryStore(pool: pgPool)
        EstimateSimulateHandler.register(into: &registry, store: store)
        ReportBuildHandler.register(into: &registry, store: store)
        MigrationBatchHandler.register(into: &registry, store: store)
        let handler = try #require(registry.handler(for: job.kind), "no handler for \(job.kind)")
        var job = job
        job.attempt = 1
        return try await handler(
            job.payload,
            JobContext(envelope: job, logger: .init(label: "test"), deadlineMs: WallClock.nowMs() + 60_000, progress: { _, _ in }))
    }

    /// Runs the enqueued job `id` (read back through the API) with its kind's real handler; returns its kind.
    @discardableResult
    func perform(enqueued id: String, api: APIClient) async throws -> String {
        let job = try await api.call(.get, "/v1/jobs/\(id)", token: read)
        #expect(job.status == 200)
        let kind = try #require(job.object["kind"] as? String)
        let payload = try JSONValue.parse(Array(try JSONSerialization.data(withJSONObject: try #require(job.object["payload"]))))
        var envelope = JobEnvelope(kind: kind, payload: payload, projectID: job.object["project_id"] as? String)
        envelope.id = try #require(JobID(id))
        try await perform(envelope)
        return kind
    }
}
