import FoundationEssentials
import GantryDomain
import GantryPostgresStore

/// The dry run of an import (`gantry import --dry-run`, `POST /v1/imports/dry-run`).
extension MigrationImporter {
    /// A dry run's findings and how the file was read.
    public struct Rehearsed: Sendable {
        public var dryRun: ImportDryRun
        public var ignoredHeaders: [String]
        public var encoding: SourceEncoding
        public var encodingDetected: Bool
    }

    /// Everything `start` and the batch jobs would do, in one transaction that is rolled back: the
    /// file is planned, stored, every batch validated, normalised and merged in order, the import
    /// reconciled, and the counts and the first `rejectedLimit` rejected rows read; then nothing of
    /// it stays. The real import of the same file into unchanged tables reports the same counts.
    ///
    /// `progress` hears (batches done, batch count) after each batch, for people watching a long one.
    public func dryRun(
        _ request: ImportRequest, rejectedLimit: Int = 100,
        progress: @Sendable (Int, Int) async -> Void = { _, _ in }
    ) async throws -> Rehearsed {
        let plan = try ImportPlanner().plan(request)
        guard try await store.projects.name(of: request.projectID) != nil else {
            throw DataImportError(.invalidRequest, "no project \(request.projectID)")
        }
        let new = plan.newImport
        let dryRun = try await store.rehearse { transaction in
            try await transaction.imports.create(new)
            var counts = ImportCounts()
            var reconciliation: ImportReconciliation?
            for batch in new.batches {
                let work = try await transaction.lockImportBatch(importID: new.id, batchNo: batch.batchNo)
                let outcome = try await MigrationBatchHandler.merge(
                    work, jobID: UUID(), checkEarlierBatches: true, transaction)
                counts.created += outcome.counts.created
                counts.updated += outcome.counts.updated
                counts.unchanged += outcome.counts.unchanged
                counts.rejected += outcome.counts.rejected
                reconciliation = outcome.reconciliation ?? reconciliation
                await progress(batch.batchNo, new.batches.count)
            }
            let rejected = try await transaction.imports.results(new.id, outcome: "rejected", limit: rejectedLimit)
            return ImportDryRun(
                projectID: new.projectID, entity: new.entity, profile: new.profile, sourceName: new.sourceName,
                sourceRows: new.sourceRows, batchCount: new.batches.count, counts: counts,
                reconciliation: reconciliation, rejected: rejected)
        }
        return Rehearsed(
            dryRun: dryRun, ignoredHeaders: plan.ignoredHeaders, encoding: plan.encoding,
            encodingDetected: plan.encodingDetected)
    }
}
