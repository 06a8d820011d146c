import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import Testing

/// Runs every batch job of a started import as workers would, `width` at a time.
func runImport(_ started: MigrationImporter.Started, pool: PostgresConnectionPool, width: Int = 2) async throws -> [JSONValue?] {
    var registry = HandlerRegistry()
    MigrationBatchHandler.register(into: &registry, store: GantryStore(pool: pool))
    let handler = try #require(registry.handler(for: MigrationBatchKind.name))
    return try await withThrowingTaskGroup(of: (Int, JSONValue?).self) { group in
        var results = [JSONValue?](repeating: nil, count: started.jobs.count)
        var next = 0
        func launch() {
            let index = next
            let request = started.jobs[index]
            next += 1
            group.addTask {
                var job = JobEnvelope(kind: request.kind, payload: request.payload, projectID: request.projectID)
                // As the worker would retry it, but only for the one failure two batches of a file
                // running side by side may meet (one committed a duplicate external id first, or the
                // two deadlocked); any other error fails the test at once.
                for attempt in 1...3 {
                    job.attempt = attempt
                    do {
                        return (index, try await runBatchJob(job, handler: handler))
                    } catch let error as PostgresError where attempt < 3 && isConcurrentBatchConflict(error) {
                        continue
                    }
                }
                fatalError("unreachable: the last attempt returns or throws")
            }
        }
        while next < min(width, started.jobs.count) { launch() }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < started.jobs.count { launch() }
        }
        return results
    }
}

/// A unique violation (23505) or a deadlock or serialization failure (class 40): what a batch meets
/// when another batch of the same file commits first, and what its retry resolves.
func isConcurrentBatchConflict(_ error: PostgresError) -> Bool {
    error.sqlState == "23505" || error.sqlState?.hasPrefix("40") == true
}

func runBatchJob(
    _ job: JobEnvelope, handler: @Sendable (JSONValue, JobContext) async throws -> JSONValue?
) async throws -> JSONValue? {
    let context = JobContext(
        envelope: job, logger: .init(label: "test"), deadlineMs: WallClock.nowMs() + 60_000, progress: { _, _ in })
    return try await handler(job.payload, context)
}

/// Runs one `migration.batch` job with `payload`, its first attempt, as a worker would.
func runBatchJob(_ payload: JSONValue, pool: PostgresConnectionPool) async throws -> JSONValue? {
    var registry = HandlerRegistry()
    MigrationBatchHandler.register(into: &registry, store: GantryStore(pool: pool))
    let handler = try #require(registry.handler(for: MigrationBatchKind.name))
    var job = JobEnvelope(kind: MigrationBatchKind.name, payload: payload, projectID: nil)
    job.attempt = 1
    return try await runBatchJob(job, handler: handler)
}

/// How many imports the database holds.
func importCount(_ pool: PostgresConnectionPool) async throws -> Int {
    try await pool.query("SELECT count(*) FROM migration_imports").rows[0].decode(0, as: Int.self)
}

func count(_ table: String, project: UUID, pool: PostgresConnectionPool) async throws -> Int {
    let result = try await pool.query("SELECT count(*) FROM \(unsafeRaw: table) WHERE project_id = \(project)")
    return try result.rows[0].decode(0, as: Int.self)
}

/// CSV text from records, quoting every field that needs it.
func csv(_ records: [[String]]) -> [UInt8] {
    var text = ""
    for record in records {
        text += record.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
        text += "\r\n"
    }
    return Array(text.utf8)
}
