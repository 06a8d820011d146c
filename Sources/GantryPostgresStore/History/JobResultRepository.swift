import FoundationEssentials
import GantryCore
import GantryPostgres

/// The one writer and reader of `job_results`: what handlers recorded for finished jobs.
///
/// Two paths write a job's row, both through `insert`, whose first row for a job wins: the
/// `ResultLedger` claims it before a handler's effect (and fills it in after), and the history store
/// records the result of a succeeded run that no ledger recorded. The API's job view reads it.
public struct JobResultRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    public struct StoredResult: Sendable, Hashable {
        public var jobID: JobID
        public var attempt: Int
        public var result: JSONValue?
        public var finishedAt: Date
    }

    /// A row of `job_results` to insert.
    struct NewResult: Sendable {
        var jobID: JobID
        var kind: String
        var queue: QueueName
        var projectID: String?
        /// At least 1 (the table's check).
        var attempt: Int
        var result: JSONValue?
        /// Nil: now.
        var finishedAt: Date?
    }

    /// The job's result, or nil when it has none (not finished, or its row was pruned).
    public func result(of jobID: JobID) async throws -> StoredResult? {
        let rows = try await executor.query(
            "SELECT attempt, result, finished_at FROM job_results WHERE job_id = \(jobID.uuid)")
        guard let row = rows.first else { return nil }
        return StoredResult(
            jobID: jobID, attempt: try row.decode(0, as: Int.self), result: try Self.json(row, 1),
            finishedAt: try row.decode(2, as: Date.self))
    }

    /// Inserts `rows` in one statement; a job that has a row already keeps it. Returns the IDs of
    /// the jobs whose row this call inserted when `reportInserted` (the ledger's claim needs them;
    /// the history store's batches do not, and skip sending them back).
    @discardableResult
    func insert(_ rows: [NewResult], reportInserted: Bool = true) async throws -> Set<UUID> {
        guard !rows.isEmpty else { return [] }
        var sql = PostgresQuery.StringInterpolation(literalCapacity: 200, interpolationCount: rows.count * 7)
        sql.appendLiteral("INSERT INTO job_results (job_id, kind, queue, project_id, attempt, result, finished_at) VALUES ")
        for (i, row) in rows.enumerated() {
            sql.appendLiteral(i == 0 ? "(" : ", (")
            sql.appendInterpolation(row.jobID.uuid)
            sql.appendLiteral(", ")
            sql.appendInterpolation(row.kind)
            sql.appendLiteral(", ")
            sql.appendInterpolation(row.queue.rawValue)
            sql.appendLiteral(", ")
            sql.appendInterpolation(row.projectID)
            sql.appendLiteral(", ")
            sql.appendInterpolation(row.attempt)
            sql.appendLiteral(", ")
            sql.appendInterpolation(row.result.map { PostgresJSON(bytes: $0.jsonBytes) })
            sql.appendLiteral(", COALESCE(")
            sql.appendInterpolation(row.finishedAt)
            sql.appendLiteral("::timestamptz, now()))")
        }
        sql.appendLiteral(reportInserted ? " ON CONFLICT (job_id) DO NOTHING RETURNING job_id" : " ON CONFLICT (job_id) DO NOTHING")
        let inserted = try await executor.query(PostgresQuery(stringInterpolation: sql))
        return Set(try inserted.rows.map { try $0.decode(0, as: UUID.self) })
    }

    /// Sets the result of a row `insert` made (the ledger's claim), finished now.
    func finish(_ jobID: JobID, result: JSONValue?) async throws {
        try await executor.query(
            """
            UPDATE job_results SET result = \(result.map { PostgresJSON(bytes: $0.jsonBytes) }), finished_at = now()
            WHERE job_id = \(jobID.uuid)
            """)
    }

    static func json(_ row: PostgresRow, _ column: Int) throws -> JSONValue? {
        try row.decode(column, as: PostgresJSON?.self).map { try JSONValue.parse($0.bytes) }
    }
}
