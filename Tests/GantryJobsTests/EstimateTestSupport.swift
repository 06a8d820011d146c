import GantryDomain
import Foundation
import GantryCore
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Synchronization
import Testing

/// Monday 2 March 2026.
let projectStart = CalendarDay(year: 2026, month: 3, day: 2)!

/// A large client's project of high complexity, with a target 200 days after its start.
func createProject(in pool: PostgresConnectionPool) async throws -> ProjectRecord {
    let client = try await ClientRepository(pool: pool).createClient(name: "Acme", size: .large, industry: "retail")
    return try await ProjectRepository(pool: pool).createProject(
        clientID: client.id, name: "CRM rollout", startDate: projectStart, targetDate: projectStart.adding(days: 200),
        factors: ProjectFactors(clientSize: .large, complexity: .high))
}

/// Progress the handler reported, in order.
final class ProgressLog: Sendable {
    private let entries = Mutex<[Int]>([])
    var percents: [Int] { entries.withLock { $0 } }
    func record(_ percent: Int) { entries.withLock { $0.append(percent) } }
}

/// Runs `envelope` as a worker would: through a `HandlerRegistry` (which decodes the payload) with a
/// `JobContext`.
func run(_ envelope: JobEnvelope, pool: PostgresConnectionPool, progress: ProgressLog = ProgressLog()) async throws -> JSONValue? {
    var registry = HandlerRegistry()
    EstimateSimulateHandler.register(into: &registry, store: GantryStore(pool: pool))
    let handler = try #require(registry.handler(for: EstimateSimulateKind.name))
    let context = JobContext(
        envelope: envelope, logger: .init(label: "test"), deadlineMs: WallClock.nowMs() + 60_000,
        progress: { percent, _ in progress.record(percent) })
    return try await handler(envelope.payload, context)
}

/// An `estimate.simulate` job for `project`. Its status date is the project's start unless `overrides`
/// sets one: a forecast is made as of today by default, and the suites' expectations must not depend
/// on the day they run.
func envelope(project: UUID?, _ overrides: [String: JSONValue] = [:]) -> JobEnvelope {
    var payload: [String: JSONValue] = ["status_date": .string("\(projectStart)")]
    payload.merge(overrides) { $1 }
    if let project { payload["project_id"] = .string(project.uuidString.lowercased()) }
    var job = JobEnvelope(kind: EstimateSimulateKind.name, payload: .object(payload), projectID: project?.uuidString.lowercased())
    job.attempt = 1
    return job
}

func estimateCount(_ pool: PostgresConnectionPool) async throws -> Int {
    try await pool.query("SELECT count(*) FROM estimates").first?.decode(0, as: Int.self) ?? -1
}

/// The message of the `JobError.permanent` that `body` throws, or nil (for any other outcome).
func permanentMessage(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let error as JobError {
        return error.disposition == .permanent ? error.message : nil
    } catch {
        return nil
    }
}

/// A suite of the `estimate.simulate` payload schema, the one producers are held to at enqueue.
protocol EstimateSchemaSuite {}

extension EstimateSchemaSuite {
    var project: JSONValue { "0191b1a2-7c4e-7d2a-9f3b-2a1c4d5e6f70" }

    /// Why the schema refuses `payload`, or nil when it accepts it.
    func refusal(_ payload: JSONValue) -> GantryError? {
        do {
            try JobKindRegistry([EstimateSimulateKind.descriptor]).validate(kind: EstimateSimulateKind.name, payload: payload)
            return nil
        } catch {
            return error
        }
    }
}
