import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgres

/// What merging one batch did.
public struct BatchMergeOutcome: Sendable, Hashable {
    public var counts: ImportCounts
    /// Set when this batch was the import's last: the reconciliation it ran.
    public var reconciliation: ImportReconciliation?
}

extension MigrationImportRepository {
    /// Loads one batch's validated rows: COPY into the session's staging table, reject rows whose
    /// references do not exist or (when `checkEarlierBatches`; a dry run and a retry ask for it)
    /// whose external id an earlier batch of the file accepted, then
    /// upsert by external id and write every row's result in one statement; add the batch's figures
    /// to the import, and reconcile the import when this was its last batch.
    ///
    /// Runs inside the caller's transaction on `connection`, which must hold the batch's lock
    /// (`lockBatch`).
    public func merge(
        _ connection: PostgresConnection, work: ImportBatchWork, rows: [(rowNo: Int, verdict: RowVerdict)],
        mapping: ColumnMapping, jobID: UUID, checkEarlierBatches: Bool
    ) async throws -> BatchMergeOutcome {
        let sql = ImportSQL(entity: work.entity)
        try await Self.prepareSession(connection)
        try await connection.execute(unsafeSQL: sql.createStaging)
        // Empty already in a batch's own transaction (ON COMMIT DELETE ROWS); a dry run merges every
        // batch of a file in one transaction, and each must start from an empty table.
        try await connection.execute(unsafeSQL: sql.clearStaging)
        _ = try await connection.copyFrom(PostgresQuery(unsafeSQL: sql.copyStaging)) { writer in
            var values: [String?] = []
            for (rowNo, verdict) in rows {
                values.removeAll(keepingCapacity: true)
                values.append(String(rowNo))
                switch verdict {
                case .accepted(let fields):
                    values.append(contentsOf: fields)
                    values.append(nil)
                    values.append(nil)
                case .rejected(let column, let reason, let externalID):
                    // A rejection quotes the file, which the planner has checked for NUL; cleaned
                    // anyway, since one NUL in a COPY fails the whole batch.
                    values.append(externalID.map { ControlCharacters.cleaned($0) })
                    values.append(contentsOf: repeatElement(String?.none, count: sql.columns.count - 1))
                    values.append(column.map { ControlCharacters.cleaned($0) })
                    values.append(ControlCharacters.cleaned(reason))
                }
                writer.append(row: values)
            }
        }
        // Before the reference checks: a link written as a name becomes the record's external id.
        for field in work.entity.fields where work.profile.linksByName {
            guard let statement = sql.referenceByName(field: field) else { continue }
            try await connection.query(PostgresQuery(unsafeSQL: statement, binds: [work.projectID.postgresBind()]))
        }
        for (position, field) in work.entity.fields.enumerated() {
            guard let statement = sql.referenceCheck(field: field, byName: work.profile.linksByName) else { continue }
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: statement,
                    binds: [work.projectID.postgresBind(), mapping.headerNames[position].postgresBind()]))
        }
        if checkEarlierBatches {
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: sql.duplicateCheck,
                    binds: [work.importID.postgresBind(), mapping.headerNames[0].postgresBind()]))
        }

        let merged = try await connection.query(
            PostgresQuery(
                unsafeSQL: sql.merge,
                binds: [work.projectID.postgresBind(), work.batchID.postgresBind(), work.importID.postgresBind()]))
        guard let figures = merged.rows.first else {
            throw ImportStoreError(.corruptRow, importID: work.importID, batchNo: work.batchNo, "the merge returned no row")
        }
        let counts = ImportCounts(
            created: try figures.decode(0), updated: try figures.decode(1), unchanged: try figures.decode(2),
            rejected: try figures.decode(3))
        let checksum = try figures.decode(4, as: String.self)

        try await connection.query(
            """
            UPDATE migration_batches SET job_id = \(jobID), created_rows = \(counts.created),
                updated_rows = \(counts.updated), unchanged_rows = \(counts.unchanged),
                rejected_rows = \(counts.rejected), finished_at = now()
            WHERE id = \(work.batchID)
            """)
        let progress = try await connection.query(
            """
            UPDATE migration_imports SET batches_done = batches_done + 1,
                created_rows = created_rows + \(counts.created), updated_rows = updated_rows + \(counts.updated),
                unchanged_rows = unchanged_rows + \(counts.unchanged), rejected_rows = rejected_rows + \(counts.rejected),
                accepted_checksum = accepted_checksum + \(checksum)::numeric
            WHERE id = \(work.importID)
            RETURNING batches_done = batch_count
            """)
        let last = try progress.rows.first?.decode(0, as: Bool.self) ?? false
        guard last else { return BatchMergeOutcome(counts: counts, reconciliation: nil) }
        let reconciliation = try await reconcile(
            connection, importID: work.importID, projectID: work.projectID, entity: work.entity)
        return BatchMergeOutcome(counts: counts, reconciliation: reconciliation)
    }

    /// Compares the file with the tables (see `ImportReconciliation`), stores the verdict, and when it
    /// balances marks the project's `data_migration` step done — provided the latest import of every
    /// entity the project has imported balanced too.
    func reconcile(_ connection: PostgresConnection, importID: UUID, projectID: UUID, entity: ImportEntity)
        async throws -> ImportReconciliation
    {
        let sql = ImportSQL(entity: entity)
        try await Self.prepareSession(connection)
        // The reconciliation hashes every accepted row of the import once: JIT-compiling that
        // statement cost more than it saved (0.6 s of 7 s for 800,000 rows), and its joins are
        // hash joins over the whole import, which spill to disk at the default work_mem.
        try await connection.execute(unsafeSQL: "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        let figures = try await connection.query(
            PostgresQuery(unsafeSQL: sql.reconcile, binds: [projectID.postgresBind(), importID.postgresBind()]))
        let totals = try await connection.query(
            """
            SELECT source_rows, created_rows, updated_rows, unchanged_rows, rejected_rows, accepted_checksum::text
            FROM migration_imports WHERE id = \(importID)
            """)
        guard let row = figures.rows.first, let total = totals.rows.first else {
            throw ImportStoreError(.importNotFound, importID: importID, "import \(importID) not found")
        }
        var orphans: [String: Int] = [:]
        var column = 5
        for field in entity.fields {
            guard case .reference = field.kind else { continue }
            orphans[field.column] = try row.decode(column, as: Int.self)
            column += 1
        }
        let reconciliation = ImportReconciliation(
            sourceRows: try total.decode(0), resultRows: try row.decode(0),
            counts: ImportCounts(
                created: try total.decode(1), updated: try total.decode(2), unchanged: try total.decode(3),
                rejected: try total.decode(4)),
            missing: try row.decode(1), extra: try row.decode(2), duplicates: try row.decode(4),
            expectedChecksum: try total.decode(5), tableChecksum: try row.decode(3), orphans: orphans)
        let status = reconciliation.isBalanced ? "balanced" : "unbalanced"
        try await connection.query(
            """
            UPDATE migration_imports SET status = \(status), finished_at = now(),
                reconciliation = \(PostgresJSON(bytes: reconciliation.json.jsonBytes))
            WHERE id = \(importID)
            """)
        if reconciliation.isBalanced {
            try await Self.completeDataMigrationStep(projectID: projectID, importID: importID, on: connection)
        }
        return reconciliation
    }

    /// Completes `deployment_and_training.data_migration` through the phase model once the latest
    /// import of every entity of the project balanced, as started on the day the earliest of those
    /// imports began (not today: the step took as long as the migration did).
    ///
    /// A transition the model refuses (deployment not open yet, the step done already) leaves the
    /// step as it is: the import stands, and a person can complete the step later.
    static func completeDataMigrationStep(projectID: UUID, importID: UUID, on connection: PostgresConnection) async throws {
        guard
            let row = try await connection.query(
                """
                SELECT bool_and(status = 'balanced'), min(created_at)::date FROM (
                    SELECT DISTINCT ON (entity) status, created_at FROM migration_imports
                    WHERE project_id = \(projectID) ORDER BY entity, created_at DESC, id) latest
                """
            ).first,
            try row.decode(0, as: Bool?.self) == true, let started = try row.decode(1, as: CalendarDay?.self)
        else { return }
        let today = CalendarDay(unixMilliseconds: WallClock.nowMs())
        let step = StepKey(phase: .deploymentAndTraining, step: "data_migration")
        do {
            _ = try await ProgressRepository(executor: .connection(connection)).change(
                projectID, on: today, actor: "import \(importID)"
            ) { try $0.apply(.complete(step, startedOn: min(started, today)), on: today) }
        } catch is ProgressError {
            return
        }
    }

    /// Settings for the rest of the transaction:
    /// - TimeZone UTC: the checksum hashes timestamps as text, the same way here and at reconciliation.
    /// - No nested-loop joins: the statistics of the tables a batch has just written to are stale
    ///   inside its own transaction (a fresh import looks empty), and a nested loop chosen on them
    ///   turns a linear join into a quadratic one (minutes for 10,000 rows). Hash and merge joins
    ///   are linear whatever the estimates; per-row lookups are written as scalar subqueries, which
    ///   still probe indexes.
    static func prepareSession(_ connection: PostgresConnection) async throws {
        try await connection.execute(unsafeSQL: "SET LOCAL TimeZone = 'UTC'; SET LOCAL enable_nestloop = off")
    }
}
