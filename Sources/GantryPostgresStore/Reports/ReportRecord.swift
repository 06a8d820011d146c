import FoundationEssentials
import GantryDomain

/// One stored rendering of a report (`reports`): the `NewReport` that was inserted (the bytes as
/// served, their media type and hash, the job that rendered it) with the id and creation time the
/// database gave it.
@dynamicMemberLookup
public struct ReportRecord: Sendable, Hashable {
    public var id: UUID
    public var createdAt: Date
    /// What was inserted; its fields read as the record's own (`record.sha256`).
    public var report: NewReport

    public init(id: UUID, createdAt: Date, report: NewReport) {
        self.id = id
        self.createdAt = createdAt
        self.report = report
    }

    public subscript<Value>(dynamicMember field: WritableKeyPath<NewReport, Value>) -> Value {
        get { report[keyPath: field] }
        set { report[keyPath: field] = newValue }
    }
}
