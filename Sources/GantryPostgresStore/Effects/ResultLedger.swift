import GantryCore
import GantryPostgres

/// Effectively-once effects: a handler's writes and its job's result commit in one transaction
/// keyed by the job ID. A job that runs again after a crash between that commit and its ack
/// finds its result here, skips the effect, and only acks, so no effect is ever doubled.
public struct ResultLedger: Sendable {
    public let pool: PostgresConnectionPool

    public init(pool: PostgresConnectionPool) {
        self.pool = pool
    }

    public struct Outcome: Sendable {
        public var result: JSONValue?
        /// False when an earlier run had already committed the effect.
        public var ranNow: Bool
    }

    /// Runs `effect` inside a transaction that first claims the job's row in `job_results`.
    /// A concurrent run of the same job waits on that row and then finds it taken.
    public func once(
        _ job: JobEnvelope, _ effect: (PostgresConnection) async throws -> JSONValue?
    ) async throws -> Outcome {
        try await pool.transaction { connection in
            let claim = try await connection.query(
                """
                INSERT INTO job_results (job_id, kind, queue, project_id, attempt)
                VALUES (\(job.id.uuid), \(job.kind), \(job.queue.rawValue), \(job.projectID), \(max(1, job.attempt)))
                ON CONFLICT (job_id) DO NOTHING RETURNING job_id
                """)
            guard !claim.rows.isEmpty else {
                let earlier = try await connection.query("SELECT result FROM job_results WHERE job_id = \(job.id.uuid)")
                let json = try earlier.rows.first?.decode(0, as: PostgresJSON?.self)
                return Outcome(result: try json.map { try JSONValue.parse($0.bytes) }, ranNow: false)
            }
            let result = try await effect(connection)
            try await connection.query(
                """
                UPDATE job_results SET result = \(result.map { PostgresJSON(bytes: $0.jsonBytes) }), finished_at = now()
                WHERE job_id = \(job.id.uuid)
                """)
            return Outcome(result: result, ranNow: true)
        }
    }
}
