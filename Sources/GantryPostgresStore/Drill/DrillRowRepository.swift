import FoundationEssentials
import GantryPostgres

/// The `gantry.drill` kind's table (`gantry_drill_rows`), which has no unique key on purpose: only
/// the `ResultLedger` can keep a re-run from doubling a row, which is what the drill checks.
public struct DrillRowRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    public func insert(jobID: UUID, n: Int) async throws {
        try await executor.query("INSERT INTO gantry_drill_rows (job_id, n) VALUES (\(jobID), \(n))")
    }

    /// How many rows `jobID` wrote.
    public func count(of jobID: UUID) async throws -> Int {
        let rows = try await executor.query("SELECT count(*)::bigint FROM gantry_drill_rows WHERE job_id = \(jobID)")
        return Int(try rows.rows[0].decode(0, as: Int64.self))
    }
}
