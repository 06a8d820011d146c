import FoundationEssentials
import GantryDomain
import GantryPostgres

/// A stored report without its content (what a listing shows).
public struct ReportSummaryRecord: Sendable, Hashable {
    public var id: UUID
    public var projectID: UUID?
    public var scope: ReportScope
    public var format: ReportFormat
    public var contentType: String
    public var sha256: String
    /// The content's length in bytes.
    public var size: Int
    public var jobID: UUID
    public var createdAt: Date
}

extension ReportRepository {
    /// Reports newest first, of one project and one format when given, at most `limit` of them;
    /// the content stays in the table (`report(_:)` reads it).
    public func listReports(projectID: UUID? = nil, format: ReportFormat? = nil, limit: Int = 100) async throws
        -> [ReportSummaryRecord]
    {
        let result = try await executor.query(
            """
            SELECT id, project_id, scope, format, content_type, sha256, octet_length(content), job_id, created_at
            FROM reports
            WHERE (\(projectID)::uuid IS NULL OR project_id = \(projectID))
              AND (\(format?.rawValue)::text IS NULL OR format = \(format?.rawValue))
            ORDER BY created_at DESC, id DESC
            LIMIT \(max(1, min(limit, 1000)))
            """)
        return try result.rows.map { row in
            ReportSummaryRecord(
                id: try row.decode(0, as: UUID.self), projectID: try row.decode(1, as: UUID?.self),
                scope: try row.decodeRaw(2, as: ReportScope.self), format: try row.decodeRaw(3, as: ReportFormat.self),
                contentType: try row.decode(4, as: String.self), sha256: try row.decode(5, as: String.self),
                size: try row.decode(6, as: Int.self), jobID: try row.decode(7, as: UUID.self),
                createdAt: try row.decode(8, as: Date.self))
        }
    }
}
