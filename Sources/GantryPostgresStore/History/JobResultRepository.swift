import FoundationEssentials
import GantryCore
import GantryPostgres

/// Reads what handlers recorded for finished jobs (`job_results`), for the API's job view.
public struct JobResultRepository: Sendable {
    let executor: StoreExecutor

    public init(pool: PostgresConnectionPool) { executor = .pool(pool) }

    public struct StoredResult: Sendable, Hashable {
        public var jobID: JobID
        public var attempt: Int
        public var result: JSONValue?
        public var finishedAt: Date
    }

    /// The job's result, or nil when it has none (not finished, or its row was pruned).
    public func result(of jobID: JobID) async throws -> StoredResult? {
        let rows = try await executor.query(
            "SELECT attempt, result, finished_at FROM job_results WHERE job_id = \(jobID.uuid)")
        guard let row = rows.first else { return nil }
        let json = try row.decode(1, as: PostgresJSON?.self)
        return StoredResult(
            jobID: jobID, attempt: try row.decode(0, as: Int.self), result: try json.map { try JSONValue.parse($0.bytes) },
            finishedAt: try row.decode(2, as: Date.self))
    }
}
