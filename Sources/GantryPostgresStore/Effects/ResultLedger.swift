import GantryCore
import GantryPostgres

/// Effectively-once effects: a handler's writes and its job's result commit in one transaction
/// keyed by the job ID. A job that runs again after a crash between that commit and its ack
/// finds its result here, skips the effect, and only acks, so no effect is ever doubled.
public struct ResultLedger: Sendable {
    let pool: PostgresConnectionPool

    public init(pool: PostgresConnectionPool) {
        self.pool = pool
    }

    public struct Outcome: Sendable {
        public var result: JSONValue?
        /// False when an earlier run had already committed the effect.
        public var ranNow: Bool
    }

    /// Runs `effect` inside a transaction that first claims the job's row in `job_results`, handing
    /// it the repositories bound to that transaction: whatever it writes through them commits with
    /// the result or not at all. A concurrent run of the same job waits on that row and then finds
    /// it taken.
    public func once(
        _ job: JobEnvelope, _ effect: (StoreTransaction) async throws -> JSONValue?
    ) async throws -> Outcome {
        try await pool.transaction { connection in
            let transaction = StoreTransaction(connection: connection)
            let results = transaction.jobResults
            let claim = JobResultRepository.NewResult(
                jobID: job.id, kind: job.kind, queue: job.queue, projectID: job.projectID, attempt: max(1, job.attempt))
            guard try await results.insert([claim]).contains(job.id.uuid) else {
                return Outcome(result: try await results.result(of: job.id)?.result, ranNow: false)
            }
            let result = try await effect(transaction)
            try await results.finish(job.id, result: result)
            return Outcome(result: result, ranNow: true)
        }
    }
}
