import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore

/// The producer side of a data migration: plans a file into batches, stores them, and gives the
/// `migration.batch` job requests to enqueue (the API and the CLI enqueue them; tests and the
/// benchmark may run them directly).
public struct MigrationImporter: Sendable {
    public let store: GantryStore

    public init(store: GantryStore) {
        self.store = store
    }

    public struct Started: Sendable {
        public var importID: UUID
        public var sourceRows: Int
        public var batchCount: Int
        public var ignoredHeaders: [String]
        /// What the file was read as, and whether that was a guess (see `DecodedSource`).
        public var encoding: SourceEncoding
        public var encodingDetected: Bool
        /// One `migration.batch` request per batch, in batch order.
        public var jobs: [JobRequest]
    }

    /// Plans and stores the import; nothing is enqueued yet. Throws `DataImportError` for a file that
    /// cannot load at all, before anything is stored.
    public func start(_ request: ImportRequest) async throws -> Started {
        let plan = try ImportPlanner().plan(request)
        guard try await store.projects.name(of: request.projectID) != nil else {
            throw DataImportError(.invalidRequest, "no project \(request.projectID)")
        }
        try await store.imports.create(plan.newImport)
        let importID = plan.newImport.id
        let jobs = plan.newImport.batches.map { batch in
            JobRequest(
                kind: MigrationBatchKind.name,
                payload: ["import_id": .string(importID.uuidString.lowercased()), "batch_no": .number(Double(batch.batchNo))],
                // A batch enqueued twice (a retried upload) still runs once: the batch row is locked and marked.
                uniqueKey: "migration.batch:\(importID.uuidString.lowercased()):\(batch.batchNo)",
                projectID: request.projectID.uuidString.lowercased())
        }
        return Started(
            importID: importID, sourceRows: plan.newImport.sourceRows, batchCount: plan.newImport.batches.count,
            ignoredHeaders: plan.ignoredHeaders, encoding: plan.encoding, encodingDetected: plan.encodingDetected,
            jobs: jobs)
    }

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
                let outcome = try await MigrationBatchHandler.merge(work, jobID: UUID(), transaction)
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
