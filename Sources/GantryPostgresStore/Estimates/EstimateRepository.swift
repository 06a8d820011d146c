import GantryDomain
import FoundationEssentials
import Glibc
import GantryPostgres

/// Stores and reads the schedule forecasts of projects (`estimates`).
///
/// Like the CRM repositories, each call is one statement: built on a connection, `insert` joins the
/// caller's open transaction, which is how `estimate.simulate` writes its estimate and its job result
/// together inside `ResultLedger.once`.
public struct EstimateRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// Inserts an estimate. Weeks are rounded to a thousandth by the column.
    ///
    /// Refused by the table: an unknown project (SQLSTATE 23503), a second estimate for the same job
    /// (23505), crossed percentiles, a negative seed or a probability outside 0...1 (23514).
    @discardableResult
    public func insert(_ estimate: NewEstimate) async throws -> EstimateRecord {
        let result = try await executor.query(
            """
            INSERT INTO estimates (project_id, job_id, kind, input, result, trials, seed,
                                   p50_weeks, p80_weeks, p90_weeks, p80_finish, probability_on_time)
            VALUES (\(estimate.projectID), \(estimate.jobID), \(estimate.kind.rawValue), \(estimate.input),
                    \(estimate.result), \(Int32(clamping: estimate.trials)), \(estimate.seed),
                    \(estimate.p50Weeks), \(estimate.p80Weeks), \(estimate.p90Weeks), \(estimate.p80Finish),
                    \(estimate.probabilityOnTime))
            RETURNING \(unsafeRaw: Self.columns)
            """)
        guard let row = result.first else {
            throw CRMStoreError(.corruptRow, projectID: estimate.projectID, message: "INSERT INTO estimates returned no row")
        }
        return try Self.estimate(from: row)
    }

    /// The project's most recent estimate, or nil when it has none.
    public func latest(of projectID: UUID) async throws -> EstimateRecord? {
        try await estimates(of: projectID, limit: 1).first
    }

    /// The project's estimates, newest first, at most `limit` of them.
    public func estimates(of projectID: UUID, limit: Int = 100) async throws -> [EstimateRecord] {
        let result = try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM estimates
            WHERE project_id = \(projectID)
            ORDER BY created_at DESC, id DESC
            LIMIT \(max(0, limit))
            """)
        return try result.rows.map(Self.estimate(from:))
    }

    /// The estimate a job produced, or nil when it produced none (yet).
    public func estimate(producedBy jobID: UUID) async throws -> EstimateRecord? {
        let result = try await executor.query("SELECT \(unsafeRaw: Self.columns) FROM estimates WHERE job_id = \(jobID)")
        return try result.first.map(Self.estimate(from:))
    }

    // MARK: Rows

    static let columns = """
        id, project_id, job_id, kind, input, result, trials, seed, p50_weeks, p80_weeks, p90_weeks,
        p80_finish, probability_on_time, created_at
        """

    static func estimate(from row: PostgresRow) throws -> EstimateRecord {
        EstimateRecord(
            id: try row.decode(0, as: UUID.self), createdAt: try row.decode(13, as: Date.self),
            estimate: NewEstimate(
                projectID: try row.decode(1, as: UUID.self), jobID: try row.decode(2, as: UUID.self),
                kind: try row.decodeRaw(3, as: EstimateRecord.Kind.self), input: try row.decode(4, as: PostgresJSON.self),
                result: try row.decode(5, as: PostgresJSON.self), trials: try row.decode(6, as: Int.self),
                seed: try row.decode(7, as: Int64.self), p50Weeks: try row.decode(8, as: Double.self),
                p80Weeks: try row.decode(9, as: Double.self), p90Weeks: try row.decode(10, as: Double.self),
                p80Finish: try row.decode(11, as: CalendarDay?.self), probabilityOnTime: try row.decode(12, as: Double?.self)))
    }
}
