import FoundationEssentials
import GantryDomain

extension StoreTransaction {
    /// Reads batch `batchNo` of an import and locks it until this transaction ends, so two jobs for
    /// the same batch run one after the other and the second finds it merged.
    public func lockImportBatch(importID: UUID, batchNo: Int) async throws -> ImportBatchWork {
        try await imports.lockBatch(connection, importID: importID, batchNo: batchNo)
    }

    /// Merges a batch locked by `lockImportBatch` (see `MigrationImportRepository.merge`).
    public func mergeImportBatch(
        _ work: ImportBatchWork, rows: [(rowNo: Int, verdict: RowVerdict)], mapping: ColumnMapping, jobID: UUID,
        checkEarlierBatches: Bool
    ) async throws -> BatchMergeOutcome {
        try await imports.merge(
            connection, work: work, rows: rows, mapping: mapping, jobID: jobID, checkEarlierBatches: checkEarlierBatches)
    }
}
