import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// Reconciliation that does not balance (README, "Migrations"): the import compares the file with
/// the table, and a table changed behind the import's back must show, not be waved through.
@Suite(.migratedDatabase) struct ImportReconciliationTests {
    @Test func anImportWhoseTableWasChangedBehindItsBackEndsUnbalancedAndLeavesTheStepOpen() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let records = [["external_id", "name"], ["A1", "Acme"], ["A2", "Beta"], ["A3", "Gamma"], ["A4", "Delta"]]
        let started = try await MigrationImporter(store: GantryStore(pool: pool)).start(
            ImportRequest(projectID: project, entity: .accounts, sourceName: "accounts.csv", csv: csv(records), batchSize: 2))
        #expect(started.jobs.count == 2)

        var registry = HandlerRegistry()
        MigrationBatchHandler.register(into: &registry, store: GantryStore(pool: pool))
        let handler = try #require(registry.handler(for: MigrationBatchKind.name))
        func job(_ index: Int) -> JobEnvelope {
            let request = started.jobs[index]
            var job = JobEnvelope(kind: request.kind, payload: request.payload, projectID: request.projectID)
            job.attempt = 1
            return job
        }
        _ = try await runBatchJob(job(0), handler: handler)
        // Someone edits a row the first batch wrote, before the last batch reconciles.
        try await pool.query(
            "UPDATE accounts SET name = 'Acme (edited by hand)' WHERE project_id = \(project) AND external_id = 'A1'")
        let last = try #require(try await runBatchJob(job(1), handler: handler))

        #expect(last["reconciliation"]?["balanced"] == false)
        let record = try #require(try await MigrationImportRepository(pool: pool).find(started.importID))
        #expect(record.status == .unbalanced)
        #expect(record.counts == ImportCounts(created: 4))
        guard case .array(let problems)? = record.reconciliation?["problems"] else {
            Issue.record("no problems listed: \(String(describing: record.reconciliation))")
            return
        }
        #expect(problems.count == 1)
        guard case .string(let problem)? = problems.first else { return }
        #expect(problem.hasPrefix("checksum of accepted rows"))

        let step = try await pool.query(
            """
            SELECT ps.state FROM phase_steps ps JOIN phases ph ON ph.id = ps.phase_id
            WHERE ph.project_id = \(project) AND ps.step = 'data_migration'
            """)
        #expect(try step.rows[0].decode(0, as: String.self) == "pending")
    }

    /// Each check of the one-pass reconciliation sees its own kind of damage: an accepted row deleted
    /// (missing), a row stamped with the import's batch that no source row accepted (extra), and a
    /// reference left pointing at nothing (orphan; only possible with the foreign keys bypassed).
    @Test func missingExtraAndOrphanedRowsAreEachCounted() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let store = GantryStore(pool: pool)
        let accounts = try await MigrationImporter(store: store).start(
            ImportRequest(projectID: project, entity: .accounts, sourceName: "accounts.csv",
                          csv: csv([["external_id", "name"], ["A1", "Acme"], ["A2", "Beta"]])))
        _ = try await runImport(accounts, pool: pool)
        let records = [["external_id", "account_external_id", "last_name"], ["C1", "A1", "Li"], ["C2", "A2", "Wang"],
                       ["C3", "A1", "Zhao"], ["C4", "A2", "Chen"]]
        let contacts = try await MigrationImporter(store: store).start(
            ImportRequest(projectID: project, entity: .contacts, sourceName: "contacts.csv", csv: csv(records), batchSize: 2))
        #expect(contacts.jobs.count == 2)

        var registry = HandlerRegistry()
        MigrationBatchHandler.register(into: &registry, store: store)
        let handler = try #require(registry.handler(for: MigrationBatchKind.name))
        func job(_ index: Int) -> JobEnvelope {
            let request = contacts.jobs[index]
            var job = JobEnvelope(kind: request.kind, payload: request.payload, projectID: request.projectID)
            job.attempt = 1
            return job
        }
        _ = try await runBatchJob(job(0), handler: handler)
        try await pool.withConnection { connection in
            try await connection.query("DELETE FROM contacts WHERE project_id = \(project) AND external_id = 'C1'")
            try await connection.query(
                """
                INSERT INTO contacts (project_id, external_id, last_name, migration_batch)
                SELECT \(project), 'X9', 'Stray', id FROM migration_batches
                WHERE import_id = \(contacts.importID) AND batch_no = 1
                """)
            try await connection.execute(unsafeSQL: "SET session_replication_role = replica")
            try await connection.query(
                "UPDATE contacts SET account_external_id = 'A-gone' WHERE project_id = \(project) AND external_id = 'C2'")
            try await connection.execute(unsafeSQL: "RESET session_replication_role")
        }
        let last = try #require(try await runBatchJob(job(1), handler: handler))

        let reconciliation = try #require(last["reconciliation"])
        #expect(reconciliation["balanced"] == false)
        // The reconciliation writes its counts as JSON numbers.
        #expect(reconciliation["missing"] == .number(1))
        #expect(reconciliation["extra"] == .number(1))
        #expect(reconciliation["orphans"]?["account_external_id"] == .number(1))
        #expect(reconciliation["result_rows"] == .number(4))
        #expect(reconciliation["expected_checksum"] != reconciliation["table_checksum"])
        let record = try #require(try await MigrationImportRepository(pool: pool).find(contacts.importID))
        #expect(record.status == .unbalanced)
        #expect(record.counts == ImportCounts(created: 4))
    }
}
