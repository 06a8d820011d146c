import FoundationEssentials
import GantryDomain
import GantryPostgres

/// Stores rendered reports and reads them back for the API (`reports`).
///
/// Like the other repositories, each call is one statement: built on a connection, `insert` joins
/// the caller's open transaction, which is how `report.build` writes its reports and its job result
/// together inside `ResultLedger.once`.
public struct ReportRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// Inserts a rendered report.
    ///
    /// Refused by the table: a second report of one format for the same job (SQLSTATE 23505), an
    /// unknown project (23503), a hash that is not the content's SHA-256, or a project report without
    /// a project (23514).
    @discardableResult
    public func insert(_ report: NewReport) async throws -> ReportRecord {
        let result = try await executor.query(
            """
            INSERT INTO reports (project_id, scope, format, content, content_type, sha256, job_id)
            VALUES (\(report.projectID), \(report.scope.rawValue), \(report.format.rawValue), \(report.content),
                    \(report.contentType), \(report.sha256), \(report.jobID))
            RETURNING \(unsafeRaw: Self.columns)
            """)
        guard let row = result.first else {
            throw CRMStoreError(.corruptRow, projectID: report.projectID, message: "INSERT INTO reports returned no row")
        }
        return try Self.report(from: row)
    }

    /// The newest report of `format` for a project (`projectID` given) or of the portfolio (`nil`).
    public func latest(projectID: UUID?, format: ReportFormat) async throws -> ReportRecord? {
        let result: PostgresResult
        if let projectID {
            result = try await executor.query(
                """
                SELECT \(unsafeRaw: Self.columns) FROM reports
                WHERE project_id = \(projectID) AND format = \(format.rawValue)
                ORDER BY created_at DESC, id DESC LIMIT 1
                """)
        } else {
            result = try await executor.query(
                """
                SELECT \(unsafeRaw: Self.columns) FROM reports
                WHERE scope = 'portfolio' AND format = \(format.rawValue)
                ORDER BY created_at DESC, id DESC LIMIT 1
                """)
        }
        return try result.first.map(Self.report(from:))
    }

    /// The newest report of `scope` and `format`, for the project when the scope is `.project`.
    public func latest(scope: ReportScope, projectID: UUID?, format: ReportFormat) async throws -> ReportRecord? {
        switch scope {
        case .project:
            guard let projectID else { return nil }
            return try await latest(projectID: projectID, format: format)
        case .portfolio:
            return try await latest(projectID: nil, format: format)
        }
    }

    /// One report by its id, or nil.
    public func report(_ id: UUID) async throws -> ReportRecord? {
        let result = try await executor.query("SELECT \(unsafeRaw: Self.columns) FROM reports WHERE id = \(id)")
        return try result.first.map(Self.report(from:))
    }

    /// The reports a job rendered, in format order (html, csv, json); empty when it rendered none (yet).
    public func reports(producedBy jobID: UUID) async throws -> [ReportRecord] {
        let result = try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM reports WHERE job_id = \(jobID)
            ORDER BY array_position(ARRAY['html', 'csv', 'json'], format)
            """)
        return try result.rows.map(Self.report(from:))
    }

    // MARK: Rows

    static let columns = "id, project_id, scope, format, content, content_type, sha256, job_id, created_at"

    static func report(from row: PostgresRow) throws -> ReportRecord {
        ReportRecord(
            id: try row.decode(0, as: UUID.self), createdAt: try row.decode(8, as: Date.self),
            report: NewReport(
                projectID: try row.decode(1, as: UUID?.self), scope: try row.decodeRaw(2, as: ReportScope.self),
                format: try row.decodeRaw(3, as: ReportFormat.self), content: try row.decode(4, as: [UInt8].self),
                contentType: try row.decode(5, as: String.self), sha256: try row.decode(6, as: String.self),
                jobID: try row.decode(7, as: UUID.self)))
    }
}
