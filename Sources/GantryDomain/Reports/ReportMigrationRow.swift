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

    /// The stored fields: decoding reads these only (and is synthesised), since the rest is derived.
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
    }

    enum DerivedKeys: String, CodingKey {
        case accountedRows = "accounted_rows"
        case missingRows = "missing_rows"
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
        var derived = encoder.container(keyedBy: DerivedKeys.self)
        try derived.encode(accountedRows, forKey: .accountedRows)
        try derived.encode(missingRows, forKey: .missingRows)
    }
}
