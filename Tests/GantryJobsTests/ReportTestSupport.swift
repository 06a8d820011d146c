import Crypto
import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import Testing

/// Helpers of the `report.build` tests, in a namespace so that they cannot clash with other suites'.
enum ReportFixture {
    /// 2026-11-25T18:47:20Z, the generated-at time of every test report.
    static let now: Double = 1_795_632_440

    /// Runs `job` as a worker would: through a `HandlerRegistry` (which decodes the payload).
    static func run(_ job: JobEnvelope, pool: PostgresConnectionPool) async throws -> JSONValue? {
        var registry = HandlerRegistry()
        registry.register(ReportBuildHandler(store: GantryStore(pool: pool), now: { now }))
        let handler = try #require(registry.handler(for: ReportBuildKind.name))
        let context = JobContext(
            envelope: job, logger: .init(label: "test"), deadlineMs: WallClock.nowMs() + 60_000, progress: { _, _ in })
        return try await handler(job.payload, context)
    }

    static func job(_ payload: [String: JSONValue], project: UUID? = nil) -> JobEnvelope {
        var job = JobEnvelope(
            kind: ReportBuildKind.name, queue: ReportBuildKind.queue, payload: .object(payload),
            projectID: project?.uuidString.lowercased())
        job.attempt = 1
        return job
    }

    static func projectJob(_ project: UUID, _ extra: [String: JSONValue] = [:]) -> JobEnvelope {
        var payload = extra
        payload["project_id"] = .string(project.uuidString.lowercased())
        return job(payload, project: project)
    }

    /// Runs `estimate.simulate` for the project, as the reports' forecast comes from its latest estimate.
    static func estimate(
        _ project: UUID, pool: PostgresConnectionPool, _ overrides: [String: JSONValue] = [:]
    ) async throws -> EstimateRecord {
        var registry = HandlerRegistry()
        EstimateSimulateHandler.register(into: &registry, store: GantryStore(pool: pool))
        let handler = try #require(registry.handler(for: EstimateSimulateKind.name))
        // As of 2026-04-07, five weeks into the project, so the figures do not depend on the day the suite runs.
        var payload: [String: JSONValue] = ["trials": 5_000, "seed": 11, "status_date": "2026-04-07"]
        payload.merge(overrides) { $1 }
        payload["project_id"] = .string(project.uuidString.lowercased())
        var job = JobEnvelope(kind: EstimateSimulateKind.name, payload: .object(payload), projectID: project.uuidString.lowercased())
        job.attempt = 1
        let context = JobContext(
            envelope: job, logger: .init(label: "test"), deadlineMs: WallClock.nowMs() + 60_000, progress: { _, _ in })
        _ = try await handler(job.payload, context)
        return try #require(try await EstimateRepository(pool: pool).latest(of: project))
    }

    /// A project of its own client with the given status.
    static func project(
        _ name: String, status: ProjectRecord.Status, pool: PostgresConnectionPool, target: Int? = 200
    ) async throws -> ProjectRecord {
        let client = try await ClientRepository(pool: pool).createClient(name: "\(name) Ltd", size: .medium)
        let start = CalendarDay(year: 2026, month: 3, day: 2)!
        return try await ProjectRepository(pool: pool).createProject(
            clientID: client.id, name: name, startDate: start, targetDate: target.map { start.adding(days: $0) },
            status: status)
    }

    /// Writes a finished import of 120 contacts that accounted for 117 (100 created, 10 updated,
    /// 2 unchanged, 5 rejected): unbalanced.
    ///
    /// Straight SQL, because the report only reads `migration_imports`. The `header` column is newer
    /// than migration 5's first version, so it is filled only where the table has it.
    static func insertUnbalancedImport(of project: UUID, pool: PostgresConnectionPool) async throws {
        let hasHeader = try await pool.query(
            """
            SELECT count(*) FROM information_schema.columns
            WHERE table_name = 'migration_imports' AND column_name = 'header'
            """
        ).first?.decode(0, as: Int.self) == 1
        if hasHeader {
            try await pool.query(
                """
                INSERT INTO migration_imports (id, project_id, entity, source_name, profile, header, source_rows, batch_size,
                    batch_count, batches_done, created_rows, updated_rows, unchanged_rows, rejected_rows, status, finished_at)
                VALUES (gen_random_uuid(), \(project), 'contacts', 'contacts-2026.csv', 'salesforce', 'Id,Email', 120, 50,
                    3, 3, 100, 10, 2, 5, 'unbalanced', now())
                """)
        } else {
            try await pool.query(
                """
                INSERT INTO migration_imports (id, project_id, entity, source_name, profile, source_rows, batch_size,
                    batch_count, batches_done, created_rows, updated_rows, unchanged_rows, rejected_rows, status, finished_at)
                VALUES (gen_random_uuid(), \(project), 'contacts', 'contacts-2026.csv', 'salesforce', 120, 50, 3, 3,
                    100, 10, 2, 5, 'unbalanced', now())
                """)
        }
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// How often `needle` occurs in `text`.
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    static func integer(_ value: JSONValue?) -> Int {
        if case .integer(let n)? = value { Int(n) } else { -1_000 }
    }

    static func reportCount(_ pool: PostgresConnectionPool) async throws -> Int {
        try await pool.query("SELECT count(*) FROM reports").first?.decode(0, as: Int.self) ?? -1
    }

    /// Asserts that an HTML page loads nothing from elsewhere: no scripts, stylesheets, images or
    /// fonts by URL, and no http(s) address at all.
    static func expectSelfContained(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lower = html.lowercased()
        for forbidden in ["http://", "https://", "<script", "<link", "<img", "<iframe", "@import", "url(", "src="] {
            #expect(!lower.contains(forbidden), "the page contains \(forbidden)", sourceLocation: sourceLocation)
        }
        // The only href is an in-page anchor (portfolio rows link to their project's section).
        for piece in lower.components(separatedBy: "href=\"").dropFirst() {
            #expect(piece.hasPrefix("#"), "an href leaves the page", sourceLocation: sourceLocation)
        }
    }
}
