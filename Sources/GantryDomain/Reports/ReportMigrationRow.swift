/// One data import of a project in a report: the source's row count against what the batches
/// accounted for, and the reconciliation's verdict.
public struct ReportMigrationRow: Sendable, Hashable, Codable {
    public var importID: String
    /// accounts, contacts, leads, deals or activities.
    public var entity: String
    public var sourceName: String
    /// loading, balanced or unbalanced.
    public var status: String
    public var sourceRows: Int
    public var createdRows: Int
    public var updatedRows: Int
    public var unchangedRows: Int
    public var rejectedRows: Int
    public var batchesDone: Int
    public var batchCount: Int

    public init(
        importID: String, entity: String, sourceName: String, status: String, sourceRows: Int, createdRows: Int,
        updatedRows: Int, unchangedRows: Int, rejectedRows: Int, batchesDone: Int, batchCount: Int
    ) {
        self.importID = importID
        self.entity = entity
        self.sourceName = sourceName
        self.status = status
        self.sourceRows = sourceRows
        self.createdRows = createdRows
        self.updatedRows = updatedRows
        self.unchangedRows = unchangedRows
        self.rejectedRows = rejectedRows
        self.batchesDone = batchesDone
        self.batchCount = batchCount
    }

    /// Rows the batches gave an outcome to; equal to `sourceRows` once every batch ran.
    public var accountedRows: Int { createdRows + updatedRows + unchangedRows + rejectedRows }
    /// Source rows no batch has accounted for (yet).
    public var missingRows: Int { sourceRows - accountedRows }

    enum CodingKeys: String, CodingKey {
        case entity, status
        case importID = "import_id"
        case sourceName = "source_name"
        case sourceRows = "source_rows"
        case createdRows = "created_rows"
        case updatedRows = "updated_rows"
        case unchangedRows = "unchanged_rows"
        case rejectedRows = "rejected_rows"
        case batchesDone = "batches_done"
        case batchCount = "batch_count"
        case accountedRows = "accounted_rows"
        case missingRows = "missing_rows"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            importID: try c.decode(String.self, forKey: .importID), entity: try c.decode(String.self, forKey: .entity),
            sourceName: try c.decode(String.self, forKey: .sourceName), status: try c.decode(String.self, forKey: .status),
            sourceRows: try c.decode(Int.self, forKey: .sourceRows), createdRows: try c.decode(Int.self, forKey: .createdRows),
            updatedRows: try c.decode(Int.self, forKey: .updatedRows),
            unchangedRows: try c.decode(Int.self, forKey: .unchangedRows),
            rejectedRows: try c.decode(Int.self, forKey: .rejectedRows), batchesDone: try c.decode(Int.self, forKey: .batchesDone),
            batchCount: try c.decode(Int.self, forKey: .batchCount))
    }

    /// The derived counts are written too, so readers of the JSON need not recompute them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(importID, forKey: .importID)
        try c.encode(entity, forKey: .entity)
        try c.encode(sourceName, forKey: .sourceName)
        try c.encode(status, forKey: .status)
        try c.encode(sourceRows, forKey: .sourceRows)
        try c.encode(createdRows, forKey: .createdRows)
        try c.encode(updatedRows, forKey: .updatedRows)
        try c.encode(unchangedRows, forKey: .unchangedRows)
        try c.encode(rejectedRows, forKey: .rejectedRows)
        try c.encode(batchesDone, forKey: .batchesDone)
        try c.encode(batchCount, forKey: .batchCount)
        try c.encode(accountedRows, forKey: .accountedRows)
        try c.encode(missingRows, forKey: .missingRows)
    }
}
