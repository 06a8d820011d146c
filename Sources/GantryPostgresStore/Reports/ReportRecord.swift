import FoundationEssentials
import GantryDomain

/// One stored rendering of a report (`reports`): the bytes as served, their media type and hash.
public struct ReportRecord: Sendable, Hashable {
    public var id: UUID
    /// Nil for a portfolio report.
    public var projectID: UUID?
    public var scope: ReportScope
    public var format: ReportFormat
    public var content: [UInt8]
    public var contentType: String
    /// Lower-case hex SHA-256 of `content`.
    public var sha256: String
    /// The `report.build` job that rendered it.
    public var jobID: UUID
    public var createdAt: Date

    public init(
        id: UUID, projectID: UUID?, scope: ReportScope, format: ReportFormat, content: [UInt8], contentType: String,
        sha256: String, jobID: UUID, createdAt: Date
    ) {
        self.id = id
        self.projectID = projectID
        self.scope = scope
        self.format = format
        self.content = content
        self.contentType = contentType
        self.sha256 = sha256
        self.jobID = jobID
        self.createdAt = createdAt
    }
}
