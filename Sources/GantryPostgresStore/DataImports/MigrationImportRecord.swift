import FoundationEssentials
import GantryCore
import GantryDomain

/// One import: a file of one entity for one project, and where it stands.
public struct MigrationImportRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Batches still to run.
        case loading
        /// Every batch ran and the tables agree with the file.
        case balanced
        /// Every batch ran but a reconciliation check failed; `reconciliation` says which.
        case unbalanced
    }

    public var id: UUID
    public var projectID: UUID
    public var entity: ImportEntity
    public var profile: ImportProfile
    public var sourceName: String
    public var sourceRows: Int
    public var batchCount: Int
    public var batchesDone: Int
    public var counts: ImportCounts
    public var status: Status
    /// `ImportReconciliation` as JSON once the last batch ran.
    public var reconciliation: JSONValue?
}

/// Per-row outcomes, summed over a batch or an import.
public struct ImportCounts: Sendable, Hashable, Codable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0

    public init(created: Int = 0, updated: Int = 0, unchanged: Int = 0, rejected: Int = 0) {
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.rejected = rejected
    }

    public var total: Int { created + updated + unchanged + rejected }
    public var accepted: Int { created + updated + unchanged }

    public var json: JSONValue {
        ["created": .number(Double(created)), "updated": .number(Double(updated)),
         "unchanged": .number(Double(unchanged)), "rejected": .number(Double(rejected))]
    }
}

/// A new import as the planner cut it: the header and the batches' CSV text.
public struct NewMigrationImport: Sendable {
    public var id: UUID
    public var projectID: UUID
    public var entity: ImportEntity
    public var profile: ImportProfile
    public var sourceName: String
    public var header: String
    public var batchSize: Int
    public var batches: [NewImportBatch]

    public init(
        id: UUID = UUID(), projectID: UUID, entity: ImportEntity, profile: ImportProfile, sourceName: String,
        header: String, batchSize: Int, batches: [NewImportBatch]
    ) {
        self.id = id
        self.projectID = projectID
        self.entity = entity
        self.profile = profile
        self.sourceName = sourceName
        self.header = header
        self.batchSize = batchSize
        self.batches = batches
    }

    public var sourceRows: Int { batches.reduce(0) { $0 + $1.rowCount } }
}

public struct NewImportBatch: Sendable {
    public var id: UUID
    public var batchNo: Int
    /// 1-based number of the batch's first record (the header is row 0).
    public var firstRow: Int
    public var rowCount: Int
    /// The batch's records as CSV text, without the header.
    public var source: String
    /// Row number → the earlier row of the file with the same external id.
    public var duplicates: [Int: Int]

    public init(id: UUID = UUID(), batchNo: Int, firstRow: Int, rowCount: Int, source: String, duplicates: [Int: Int] = [:]) {
        self.id = id
        self.batchNo = batchNo
        self.firstRow = firstRow
        self.rowCount = rowCount
        self.source = source
        self.duplicates = duplicates
    }
}

/// A batch as a worker runs it, read under a row lock inside the batch transaction.
public struct ImportBatchWork: Sendable {
    public var batchID: UUID
    public var importID: UUID
    public var projectID: UUID
    public var entity: ImportEntity
    public var profile: ImportProfile
    public var header: String
    public var batchNo: Int
    public var firstRow: Int
    public var rowCount: Int
    public var source: String
    /// Row number → the earlier row of the file with the same external id (rejected as duplicates).
    public var duplicates: [Int: Int]
    /// The counts of an earlier run when the batch was already merged (by another job).
    public var alreadyMerged: ImportCounts?
}

/// One row's outcome, Salesforce Bulk API 2.0's shape.
public struct ImportRowResult: Sendable, Hashable {
    public var rowNo: Int
    public var externalID: String?
    public var outcome: String
    public var column: String?
    public var reason: String?
}
