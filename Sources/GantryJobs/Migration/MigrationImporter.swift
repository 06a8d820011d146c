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
}
