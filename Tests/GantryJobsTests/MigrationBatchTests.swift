import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

@Suite(.migratedDatabase) struct MigrationBatchTests {
    static let contactHeader = ["external_id", "account_external_id", "first_name", "last_name", "email", "phone", "title"]

    /// 1,000 accounts A0…A999, all valid.
    func importAccounts(_ project: UUID, pool: PostgresConnectionPool) async throws {
        var records = [["external_id", "name", "industry", "website", "phone", "country"]]
        for i in 0..<1_000 { records.append(["A\(i)", "Account \(i), Ltd", "retail", "https://a\(i).example", "+44 20 7946 \(1000 + i)", "UK"]) }
        let started = try await MigrationImporter(store: GantryStore(pool: pool)).start(
            ImportRequest(projectID: project, entity: .accounts, sourceName: "accounts.csv", csv: csv(records)))
        _ = try await runImport(started, pool: pool)
        let record = try #require(try await MigrationImportRepository(pool: pool).find(started.importID))
        #expect(record.status == .balanced)
        #expect(record.counts == ImportCounts(created: 1_000))
    }

    /// 20,000 contacts, of which every 50th (400, 2 %) is bad in one of five ways.
    /// `partner` pairs each duplicated row with the row that has the same id, both ways.
    static func contactRecords() -> (records: [[String]], bad: [Int: String], partner: [Int: Int]) {
        var records = [contactHeader]
        var bad: [Int: String] = [:]
        var partner: [Int: Int] = [:]
        for row in 1...20_000 {
            var record = ["C\(row)", "A\(row % 1_000)", "Anna \(row)", "Smith, \"Jr\"", "Anna.Smith\(row)@Example.com",
                          "+1 (555) 010-\(row % 10_000)", "Head of\nOperations"]
            if row % 50 == 0 {
                switch (row / 50) % 5 {
                case 0: record[4] = "anna.smith\(row)-at-example.com"; bad[row] = "email"
                case 1: record[3] = " "; bad[row] = "last_name"
                case 2: record[1] = "A-missing-\(row)"; bad[row] = "account_external_id"
                case 3: record[5] = "call me"; bad[row] = "phone"
                default:
                    // A duplicate: of the previous row (same batch) or, now and then, of a row 5,002 earlier
                    // (an earlier batch, which may be merging at the same moment).
                    let original = row > 5_000 && (row / 50) % 10 == 9 ? row - 5_002 : row - 1
                    record[0] = "C\(original)"
                    bad[row] = "external_id"
                    partner[row] = original
                    partner[original] = row
                }
            }
            records.append(record)
        }
        return (records, bad, partner)
    }

    @Test func twentyThousandContactsWithTwoPercentBadRowsLoadExactlyAndReimportChangesNothing() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        // The data-migration step can complete only once deployment & training is open.
        let progress = ProgressRepository(pool: pool)
        for phase in [DeliveryPhase.requirementsAnalysis, .systemDesign, .developmentAndTesting] {
            for step in phase.steps {
                _ = try await progress.apply(
                    .complete(StepKey(phase: phase, step: step), approvedBy: phase.gate == step ? "pm" : nil),
                    to: project, on: projectStart, actor: "test")
            }
        }
        try await importAccounts(project, pool: pool)
        let (records, bad, partner) = Self.contactRecords()
        #expect(bad.count == 400)
        let file = csv(records)
        let importer = MigrationImporter(store: GantryStore(pool: pool))
        let repository = MigrationImportRepository(pool: pool)

        let first = try await importer.start(ImportRequest(projectID: project, entity: .contacts, sourceName: "contacts.csv", csv: file))
        #expect(first.sourceRows == 20_000)
        #expect(first.batchCount == 4)
        _ = try await runImport(first, pool: pool)
        let loaded = try #require(try await repository.find(first.importID))
        #expect(loaded.counts == ImportCounts(created: 19_600, rejected: 400))
        #expect(loaded.status == .balanced)
        #expect(try await count("contacts", project: project, pool: pool) == 19_600)

        // Every rejected row is one of the bad ones, with the right column and a reason.
        var rejected: [ImportRowResult] = []
        var after = 0
        while true {
            let page = try await repository.results(first.importID, outcome: "rejected", limit: 1_000, afterRow: after)
            guard let last = page.last else { break }
            rejected += page
            after = last.rowNo
        }
        #expect(rejected.count == 400)
        // Of two rows with one id, the later one is rejected and names the first, even when the first
        // is in another batch that runs at the same time.
        var duplicateRejections = 0
        for result in rejected {
            #expect(bad[result.rowNo] == result.column, "row \(result.rowNo): \(result.column ?? "-") \(result.reason ?? "")")
            if let first = partner[result.rowNo], first < result.rowNo {
                duplicateRejections += 1
                #expect(result.reason == "duplicate external id: row \(first) of this file has it too")
            }
        }
        #expect(duplicateRejections == 80)
        let orphan = try #require(rejected.first { $0.column == "account_external_id" })
        #expect(orphan.reason == "no account with external id A-missing-\(orphan.rowNo) in this project")

        // Values arrive normalised and intact (quotes, commas and newlines inside fields).
        let row = try await pool.query("SELECT last_name, email, phone, title FROM contacts WHERE project_id = \(project) AND external_id = 'C7'")
        #expect(try row.rows[0].decode(0, as: String.self) == "Smith, \"Jr\"")
        #expect(try row.rows[0].decode(1, as: String.self) == "anna.smith7@example.com")
        #expect(try row.rows[0].decode(2, as: String.self) == "+15550107")
        #expect(try row.rows[0].decode(3, as: String.self) == "Head of\nOperations")

        // The data-migration step is done, since every import of the project balanced, and it started
        // the day the first import began (today here), recorded as an event by the import.
        let step = try await pool.query(
            """
            SELECT ps.state, ps.actual_start = (SELECT min(created_at)::date FROM migration_imports WHERE project_id = \(project))
            FROM phase_steps ps JOIN phases ph ON ph.id = ps.phase_id
            WHERE ph.project_id = \(project) AND ps.step = 'data_migration'
            """)
        #expect(try step.rows[0].decode(0, as: String.self) == "done")
        #expect(try step.rows[0].decode(1, as: Bool.self))
        let events = try await ProjectEventRepository(pool: pool).events(of: project)
        #expect(events.last?.event.kind == .stepCompleted && events.last?.event.step == "data_migration")
        #expect(events.last?.actor?.hasPrefix("import ") == true)

        // Re-importing the same file changes nothing.
        let stamp = try await pool.query("SELECT max(updated_at)::text FROM contacts WHERE project_id = \(project)")
        let again = try await importer.start(ImportRequest(projectID: project, entity: .contacts, sourceName: "contacts.csv", csv: file))
        _ = try await runImport(again, pool: pool)
        let reloaded = try #require(try await repository.find(again.importID))
        #expect(reloaded.counts == ImportCounts(unchanged: 19_600, rejected: 400))
        #expect(reloaded.status == .balanced)
        #expect(try await count("contacts", project: project, pool: pool) == 19_600)
        let stampAfter = try await pool.query("SELECT max(updated_at)::text FROM contacts WHERE project_id = \(project)")
        #expect(try stamp.rows[0].decode(0, as: String.self) == stampAfter.rows[0].decode(0, as: String.self))
    }

    @Test func changedRowsAreUpdatedAndOnlyThose() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let importer = MigrationImporter(store: GantryStore(pool: pool))
        var records = [["external_id", "name", "industry"]]
        for i in 0..<10 { records.append(["A\(i)", "Account \(i)", "retail"]) }
        _ = try await runImport(try await importer.start(
            ImportRequest(projectID: project, entity: .accounts, sourceName: "a.csv", csv: csv(records), batchSize: 3)), pool: pool)
        records[3][2] = "banking"
        records.append(["A10", "Account 10", "retail"])
        let second = try await importer.start(
            ImportRequest(projectID: project, entity: .accounts, sourceName: "a.csv", csv: csv(records), batchSize: 3))
        _ = try await runImport(second, pool: pool)
        let record = try #require(try await MigrationImportRepository(pool: pool).find(second.importID))
        #expect(record.counts == ImportCounts(created: 1, updated: 1, unchanged: 9))
        #expect(record.status == .balanced)
        let updated = try await MigrationImportRepository(pool: pool).results(second.importID, outcome: "updated")
        #expect(updated.map(\.externalID) == ["A2"])
    }

    @Test func aBatchThatFailsMidwayLeavesNoRowsNoResultsAndNoCounts() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        var records = [["external_id", "name"]]
        for i in 0..<100 { records.append(["A\(i)", "Account \(i)"]) }
        let started = try await MigrationImporter(store: GantryStore(pool: pool)).start(
            ImportRequest(projectID: project, entity: .accounts, sourceName: "a.csv", csv: csv(records)))
        let repository = MigrationImportRepository(pool: pool)
        struct Crash: Error {}
        await #expect(throws: Crash.self) {
            try await pool.transaction { connection in
                let work = try await repository.lockBatch(connection, importID: started.importID, batchNo: 1)
                let mapping = try ColumnMapping(header: ["external_id", "name"], entity: .accounts, profile: .gantry)
                let rows = (0..<100).map { (rowNo: $0 + 1, verdict: RowNormaliser(mapping: mapping).normalise(["A\($0)", "Account \($0)"])) }
                _ = try await repository.merge(
                    connection, work: work, rows: rows, mapping: mapping, jobID: UUID(), checkEarlierBatches: false)
                // The worker dies after the merge statement, before the commit.
                throw Crash()
            }
        }
        #expect(try await count("accounts", project: project, pool: pool) == 0)
        let results = try await pool.query("SELECT count(*) FROM migration_row_results WHERE import_id = \(started.importID)")
        #expect(try results.rows[0].decode(0, as: Int.self) == 0)
        let record = try #require(try await repository.find(started.importID))
        #expect(record.batchesDone == 0 && record.counts == ImportCounts() && record.status == .loading)

        // The retry loads it whole.
        _ = try await runImport(started, pool: pool)
        #expect(try await count("accounts", project: project, pool: pool) == 100)
    }

    /// The planner finds duplicates over the whole file, so a first attempt skips the per-row lookup
    /// in earlier batches; should the planner ever miss one, the unique index of accepted results
    /// fails that attempt, and the retry (which looks) rejects the row, naming the first.
    @Test func aDuplicateThePlannerMissedFailsTheFirstAttemptAndItsRetryRejectsTheRow() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        var records = [["external_id", "name"]]
        for i in 0..<10 { records.append(["A\(i)", "Account \(i)"]) }
        let started = try await MigrationImporter(store: GantryStore(pool: pool)).start(
            ImportRequest(projectID: project, entity: .accounts, sourceName: "a.csv", csv: csv(records), batchSize: 5))
        let repository = MigrationImportRepository(pool: pool)
        let mapping = try ColumnMapping(header: ["external_id", "name"], entity: .accounts, profile: .gantry)
        let normaliser = RowNormaliser(mapping: mapping)
        func rows(_ ids: Range<Int>, renaming: (row: Int, id: String)? = nil) -> [(rowNo: Int, verdict: RowVerdict)] {
            ids.map { i in
                let id = renaming?.row == i + 1 ? renaming!.id : "A\(i)"
                return (rowNo: i + 1, verdict: normaliser.normalise([id, "Account \(i)"]))
            }
        }
        func merge(_ batchNo: Int, _ rows: [(rowNo: Int, verdict: RowVerdict)], checkEarlierBatches: Bool) async throws
            -> ImportCounts
        {
            try await pool.transaction { connection in
                let work = try await repository.lockBatch(connection, importID: started.importID, batchNo: batchNo)
                return try await repository.merge(
                    connection, work: work, rows: rows, mapping: mapping, jobID: UUID(),
                    checkEarlierBatches: checkEarlierBatches
                ).counts
            }
        }
        #expect(try await merge(1, rows(0..<5), checkEarlierBatches: false) == ImportCounts(created: 5))
        // Row 7 arrives as A0, which row 1 in batch 1 has: a duplicate the planner did not mark.
        let missed = rows(5..<10, renaming: (row: 7, id: "A0"))
        await #expect(throws: PostgresError.self) { try await merge(2, missed, checkEarlierBatches: false) }
        #expect(try await count("accounts", project: project, pool: pool) == 5)
        #expect(try await merge(2, missed, checkEarlierBatches: true) == ImportCounts(created: 4, rejected: 1))
        let rejected = try await repository.results(started.importID, outcome: "rejected", limit: 10, afterRow: 0)
        #expect(rejected.map(\.rowNo) == [7])
        #expect(rejected.first?.reason == "duplicate external id: row 1 of this file has it too")
        #expect(try await count("accounts", project: project, pool: pool) == 9)
    }

    @Test func aBatchRunTwiceMergesOnce() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        var records = [["external_id", "name"]]
        for i in 0..<10 { records.append(["A\(i)", "Account \(i)"]) }
        let started = try await MigrationImporter(store: GantryStore(pool: pool)).start(
            ImportRequest(projectID: project, entity: .accounts, sourceName: "a.csv", csv: csv(records)))
        var registry = HandlerRegistry()
        MigrationBatchHandler.register(into: &registry, store: GantryStore(pool: pool))
        let handler = try #require(registry.handler(for: MigrationBatchKind.name))
        var job = JobEnvelope(kind: MigrationBatchKind.name, payload: started.jobs[0].payload, projectID: nil)
        job.attempt = 1
        let first = try await runBatchJob(job, handler: handler)
        // The same job again (a crash before its ack), then another job for the same batch.
        let same = try await runBatchJob(job, handler: handler)
        var other = JobEnvelope(kind: MigrationBatchKind.name, payload: started.jobs[0].payload, projectID: nil)
        other.attempt = 1
        let another = try await runBatchJob(other, handler: handler)
        #expect(same == first)
        #expect(another?["already_merged"] == true)
        #expect(try await count("accounts", project: project, pool: pool) == 10)
        let record = try #require(try await MigrationImportRepository(pool: pool).find(started.importID))
        #expect(record.batchesDone == 1 && record.counts == ImportCounts(created: 10))
    }

    @Test func salesforceExportWithByteOrderMarkAndMultilineFieldsLoads() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let text = "\u{FEFF}Id,Name,Industry,BillingCountry,OwnerId\n001A,\"Acme, Inc.\",Retail,\"United\nKingdom\",005X\n\n001B,\"The \"\"Best\"\" Co\",,DE,005Y\n"
        let started = try await MigrationImporter(store: GantryStore(pool: pool)).start(
            ImportRequest(projectID: project, entity: .accounts, profile: .salesforce, sourceName: "Account.csv", csv: Array(text.utf8)))
        #expect(started.sourceRows == 2)
        #expect(started.ignoredHeaders == ["OwnerId"])
        _ = try await runImport(started, pool: pool)
        let rows = try await pool.query("SELECT external_id, name, industry, country FROM accounts WHERE project_id = \(project) ORDER BY external_id")
        #expect(try rows.rows.map { try $0.decode(1, as: String.self) } == ["Acme, Inc.", "The \"Best\" Co"])
        #expect(try rows.rows[0].decode(3, as: String.self) == "United\nKingdom")
        #expect(try rows.rows[1].decode(2, as: String?.self) == nil)
    }

    @Test func filesThatCannotLoadAreRefusedBeforeAnythingIsStored() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let importer = MigrationImporter(store: GantryStore(pool: pool))
        func refusal(_ bytes: [UInt8], entity: ImportEntity = .accounts) async -> DataImportError? {
            do {
                _ = try await importer.start(ImportRequest(projectID: project, entity: entity, sourceName: "f.csv", csv: bytes))
                return nil
            } catch let error as DataImportError {
                return error
            } catch {
                Issue.record("unexpected \(error)")
                return nil
            }
        }
        #expect(await refusal(Array("external_id,name\nA1,\"Acme\nA2,Beta\n".utf8))?.code == .malformedFile)
        #expect(await refusal([0x65, 0x78, 0xFF, 0x0A])?.code == .notUTF8)
        #expect(await refusal([])?.code == .malformedFile)
        let missing = await refusal(Array("external_id,email\nC1,a@b.co\n".utf8), entity: .contacts)
        #expect(missing?.code == .mapping)
        #expect(missing?.message.contains("last_name") == true)
        #expect(try await importCount(pool) == 0)
    }

    @Test func unknownBatchIsAPermanentFailure() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        do {
            _ = try await runBatchJob(["import_id": .string(UUID().uuidString.lowercased()), "batch_no": 1], pool: pool)
            Issue.record("an unknown batch ran")
        } catch let error as JobError {
            #expect(error.disposition == .permanent)
            #expect(error.message.contains("has no batch 1"))
        }
    }
}
