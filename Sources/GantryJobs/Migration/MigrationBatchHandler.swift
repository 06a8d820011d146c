import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore

/// Runs one batch of an import: read its records with `CSVRecordReader`, validate and normalise
/// each, then merge them (staging COPY, one upsert-and-results statement) and add the batch's
/// figures to the import — all in the job's `ResultLedger` transaction, so a batch that fails
/// midway leaves no rows, no results and no counts, and a batch that runs twice merges once.
/// The import's last batch also reconciles it (see `ImportReconciliation`).
///
/// Permanent failures (dead letter at once, with the reason): a malformed import id, an unknown
/// import or batch, and a batch whose stored text does not read as the records the planner counted
/// (a bug: the planner stores exactly what it counted). A row PostgreSQL would refuse never fails
/// the batch: the normaliser rejects it first. Database errors, including a duplicate external id that a
/// concurrent batch of the same file committed first, are retried; the retry rejects the row.
public struct MigrationBatchHandler: StoreHandler {
    public struct Payload: Decodable, Sendable {
        public var importID: String
        public var batchNo: Int

        enum CodingKeys: String, CodingKey {
            case importID = "import_id"
            case batchNo = "batch_no"
        }
    }

    public let kind = MigrationBatchKind.name
    let ledger: ResultLedger

    public init(store: GantryStore) {
        self.ledger = store.ledger
    }

    public func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue? {
        // The payload's text reaches the run's history row in this error: quoted cleaned, since one
        // NUL there made PostgreSQL refuse the worker's whole history batch.
        if let (scalar, offset) = ControlCharacters.first(in: payload.importID, allowLineBreaks: false) {
            throw JobError.permanent(
                "import_id holds the control character \(ControlCharacters.name(scalar)) at byte \(offset); a UUID is expected")
        }
        guard let importID = UUID(uuidString: payload.importID) else {
            throw JobError.permanent("import_id: '\(payload.importID)' is not a UUID")
        }
        do {
            return try await ledger.once(context.envelope) { transaction in
                try await run(
                    importID: importID, batchNo: payload.batchNo, jobID: context.jobID.uuid,
                    checkEarlierBatches: context.envelope.attempt > 1, transaction)
            }.result
        } catch let error as ImportStoreError where error.code == .batchNotFound {
            throw JobError.permanent(error.message)
        } catch let error as DataImportError {
            throw JobError.permanent(error.description)
        }
    }

    /// `checkEarlierBatches`: look up each row's external id among the rows earlier batches of the
    /// file accepted. Only a retry needs to: the planner finds duplicates over the whole file, and
    /// one it missed (two ids that only normalising makes equal) fails the first attempt on the
    /// unique index of accepted results, so the retry rejects the row — one index probe per row
    /// saved on every first attempt.
    func run(importID: UUID, batchNo: Int, jobID: UUID, checkEarlierBatches: Bool, _ transaction: StoreTransaction)
        async throws -> JSONValue
    {
        let work = try await transaction.lockImportBatch(importID: importID, batchNo: batchNo)
        if let counts = work.alreadyMerged {
            // Another job merged this batch already (the batch was enqueued twice): nothing to do.
            return Self.summary(work, counts: counts, reconciliation: nil, alreadyMerged: true)
        }
        let outcome = try await Self.merge(work, jobID: jobID, checkEarlierBatches: checkEarlierBatches, transaction)
        return Self.summary(work, counts: outcome.counts, reconciliation: outcome.reconciliation, alreadyMerged: false)
    }

    /// Reads, validates and merges one locked batch: what a batch job does, and what a dry run does
    /// for every batch of a file in its one rolled-back transaction, so the two cannot disagree.
    static func merge(_ work: ImportBatchWork, jobID: UUID, checkEarlierBatches: Bool, _ transaction: StoreTransaction)
        async throws -> BatchMergeOutcome
    {
        let header = try ImportPlanner.header(work.header, entity: work.entity, profile: work.profile)
        let rows = try BatchRows.parse(work, header: header)
        return try await transaction.mergeImportBatch(
            work, rows: rows, mapping: header.mapping, jobID: jobID, checkEarlierBatches: checkEarlierBatches)
    }

    static func summary(_ work: ImportBatchWork, counts: ImportCounts, reconciliation: ImportReconciliation?, alreadyMerged: Bool)
        -> JSONValue
    {
        var summary: [String: JSONValue] = [
            "import_id": .string(work.importID.uuidString.lowercased()),
            "batch_no": .number(Double(work.batchNo)),
            "rows": .number(Double(work.rowCount)),
            "counts": counts.json,
        ]
        if alreadyMerged { summary["already_merged"] = true }
        if let reconciliation { summary["reconciliation"] = reconciliation.json }
        return .object(summary)
    }
}
