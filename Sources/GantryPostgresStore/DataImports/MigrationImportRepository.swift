import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgres

/// Imports of legacy CRM exports: their batches, the per-batch merge, per-row results and the
/// reconciliation. Batch work runs on a connection inside the caller's transaction (the job's
/// `ResultLedger` transaction), so a batch's rows, results and counters commit together or not at all.
public struct MigrationImportRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// Stores a planned import and its batches in one transaction (the caller's, on a connection):
    /// either every batch exists or none.
    public func create(_ new: NewMigrationImport) async throws {
        try await executor.transaction { connection in
            try await connection.query(
                """
                INSERT INTO migration_imports (id, project_id, entity, profile, source_name, header, source_rows,
                                               batch_size, batch_count)
                VALUES (\(new.id), \(new.projectID), \(new.entity.rawValue), \(new.profile.rawValue), \(new.sourceName),
                        \(new.header), \(new.sourceRows), \(new.batchSize), \(new.batches.count))
                """)
            // Pipelined in groups: one round trip per group instead of one per batch.
            var pending: [PostgresQuery] = []
            for batch in new.batches {
                pending.append(
                    """
                    INSERT INTO migration_batches (id, import_id, batch_no, first_row, row_count, source,
                                                   duplicate_rows, duplicate_of)
                    VALUES (\(batch.id), \(new.id), \(batch.batchNo), \(batch.firstRow), \(batch.rowCount), \(batch.source),
                            \(Self.intArray(batch.duplicates.keys.sorted()))::integer[],
                            \(Self.intArray(batch.duplicates.keys.sorted().map { batch.duplicates[$0]! }))::integer[])
                    """)
                if pending.count == 32 {
                    _ = try await connection.pipeline(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            if !pending.isEmpty { _ = try await connection.pipeline(pending) }
            // An empty file has nothing to merge: reconcile it now, so it does not stay "loading".
            if new.batches.isEmpty {
                _ = try await reconcile(connection, importID: new.id, projectID: new.projectID, entity: new.entity)
            }
        }
    }

    /// Reads batch `batchNo` of an import and locks it until the transaction ends, so two jobs for
    /// the same batch run one after the other and the second finds it merged.
    public func lockBatch(_ connection: PostgresConnection, importID: UUID, batchNo: Int) async throws -> ImportBatchWork {
        let result = try await connection.query(
            """
            SELECT b.id, i.project_id, i.entity, i.profile, i.header, b.first_row, b.row_count, b.source,
                   b.finished_at IS NOT NULL, b.created_rows, b.updated_rows, b.unchanged_rows, b.rejected_rows,
                   b.duplicate_rows::text, b.duplicate_of::text
            FROM migration_batches b JOIN migration_imports i ON i.id = b.import_id
            WHERE b.import_id = \(importID) AND b.batch_no = \(batchNo)
            FOR UPDATE OF b
            """)
        guard let row = result.rows.first else {
            throw ImportStoreError(.batchNotFound, importID: importID, batchNo: batchNo,
                                   "import \(importID) has no batch \(batchNo)")
        }
        let entityName = try row.decode(2, as: String.self)
        let profileName = try row.decode(3, as: String.self)
        guard let entity = ImportEntity(rawValue: entityName), let profile = ImportProfile(rawValue: profileName) else {
            throw ImportStoreError(.corruptRow, importID: importID, batchNo: batchNo,
                                   "unknown entity '\(entityName)' or profile '\(profileName)'")
        }
        let merged = try row.decode(8, as: Bool.self)
        let duplicateRows = Self.parseIntArray(try row.decode(13, as: String.self))
        let duplicateOf = Self.parseIntArray(try row.decode(14, as: String.self))
        return ImportBatchWork(
            batchID: try row.decode(0), importID: importID, projectID: try row.decode(1), entity: entity,
            profile: profile, header: try row.decode(4), batchNo: batchNo, firstRow: try row.decode(5),
            rowCount: try row.decode(6), source: try row.decode(7),
            duplicates: Dictionary(zip(duplicateRows, duplicateOf), uniquingKeysWith: { first, _ in first }),
            alreadyMerged: merged
                ? ImportCounts(
                    created: try row.decode(9), updated: try row.decode(10), unchanged: try row.decode(11),
                    rejected: try row.decode(12))
                : nil)
    }

    public func find(_ importID: UUID) async throws -> MigrationImportRecord? {
        let result = try await executor.query(
            "SELECT \(unsafeRaw: Self.importColumns) FROM migration_imports WHERE id = \(importID)")
        return try result.rows.first.map(Self.importRecord)
    }

    /// The project's imports, newest first, at most `limit` (the dashboard's project page).
    public func imports(of projectID: UUID, limit: Int = 100) async throws -> [MigrationImportRecord] {
        try await executor.query(
            """
            SELECT \(unsafeRaw: Self.importColumns) FROM migration_imports
            WHERE project_id = \(projectID) ORDER BY created_at DESC, id DESC LIMIT \(max(1, min(limit, 1_000)))
            """
        ).rows.map(Self.importRecord)
    }

    static let importColumns = """
        id, project_id, entity, profile, source_name, source_rows, batch_count, batches_done,
        created_rows, updated_rows, unchanged_rows, rejected_rows, status, reconciliation
        """

    /// A row of ``importColumns``.
    static func importRecord(_ row: PostgresRow) throws -> MigrationImportRecord {
        let reconciliation = try row.decode(13, as: PostgresJSON?.self)
        return MigrationImportRecord(
            id: try row.decode(0), projectID: try row.decode(1),
            entity: ImportEntity(rawValue: try row.decode(2)) ?? .accounts,
            profile: ImportProfile(rawValue: try row.decode(3)) ?? .gantry,
            sourceName: try row.decode(4), sourceRows: try row.decode(5), batchCount: try row.decode(6),
            batchesDone: try row.decode(7),
            counts: ImportCounts(
                created: try row.decode(8), updated: try row.decode(9), unchanged: try row.decode(10),
                rejected: try row.decode(11)),
            status: MigrationImportRecord.Status(rawValue: try row.decode(12)) ?? .loading,
            reconciliation: try reconciliation.map { try JSONValue.parse($0.bytes) })
    }

    /// Row results of an import in row order; `outcome` filters (for example "rejected").
    public func results(_ importID: UUID, outcome: String? = nil, limit: Int = 1000, afterRow: Int = 0)
        async throws -> [ImportRowResult]
    {
        let result = try await executor.query(
            """
            SELECT row_no, external_id, outcome, column_name, reason FROM migration_row_results
            WHERE import_id = \(importID) AND row_no > \(afterRow) AND (\(outcome)::text IS NULL OR outcome = \(outcome))
            ORDER BY row_no LIMIT \(limit)
            """)
        return try result.rows.map {
            ImportRowResult(
                rowNo: try $0.decode(0), externalID: try $0.decode(1), outcome: try $0.decode(2),
                column: try $0.decode(3), reason: try $0.decode(4))
        }
    }

    /// `{1,2,3}`, PostgreSQL's array text, for an `integer[]` bind.
    static func intArray(_ values: [Int]) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }

    static func parseIntArray(_ text: String) -> [Int] {
        text.dropFirst().dropLast().split(separator: ",").compactMap { Int($0) }
    }
}
