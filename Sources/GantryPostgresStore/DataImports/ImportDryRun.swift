import FoundationEssentials
import GantryCore
import GantryDomain

/// What an import would do, found by doing it in a transaction that is rolled back: the same
/// validation, normalisation, merge and reconciliation as the real import, so the counts are the
/// ones the real import of the same file reports (as long as the tables do not change between the
/// two), and nothing is left behind: no CRM row, no import, no result.
public struct ImportDryRun: Sendable, Hashable {
    public var projectID: UUID
    public var entity: ImportEntity
    public var profile: ImportProfile
    public var sourceName: String
    public var sourceRows: Int
    public var batchCount: Int
    public var counts: ImportCounts
    /// The reconciliation the import would end with; nil for a file without records.
    public var reconciliation: ImportReconciliation?
    /// The first rejected rows, in row order, with the column and the reason.
    public var rejected: [ImportRowResult]

    public init(
        projectID: UUID, entity: ImportEntity, profile: ImportProfile, sourceName: String, sourceRows: Int,
        batchCount: Int, counts: ImportCounts, reconciliation: ImportReconciliation?, rejected: [ImportRowResult]
    ) {
        self.projectID = projectID
        self.entity = entity
        self.profile = profile
        self.sourceName = sourceName
        self.sourceRows = sourceRows
        self.batchCount = batchCount
        self.counts = counts
        self.reconciliation = reconciliation
        self.rejected = rejected
    }
}
