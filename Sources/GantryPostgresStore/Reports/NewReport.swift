import FoundationEssentials
import GantryDomain

/// What `ReportRepository.insert` writes: a `ReportRecord` before the database gives it an id and a
/// creation time.
public struct NewReport: Sendable, Hashable {
    public var projectID: UUID?
    public var scope: ReportScope
    public var format: ReportFormat
    public var content: [UInt8]
    public var contentType: String
    /// Lower-case hex SHA-256 of `content`; the table refuses any other value (SQLSTATE 23514).
    public var sha256: String
    public var jobID: UUID

    public init(
        projectID: UUID?, scope: ReportScope, format: ReportFormat, content: [UInt8], contentType: String,
        sha256: String, jobID: UUID
    ) {
        self.projectID = projectID
        self.scope = scope
        self.format = format
        self.content = content
        self.contentType = contentType
        self.sha256 = sha256
        self.jobID = jobID
    }
}
