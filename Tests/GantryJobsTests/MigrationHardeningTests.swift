import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// The import's defences against files and rows that once dropped rows silently, failed batches for
/// good or reached PostgreSQL raw (issue 10): each runs the real planner and batches on PostgreSQL.
@Suite(.migratedDatabase) struct MigrationHardeningTests {
    struct Loaded {
        var started: MigrationImporter.Started
        var record: MigrationImportRecord
        var rejected: [ImportRowResult]
    }

    /// Plans `text` as an import of `entity`, runs every batch and reads back the import and its rejections.
    func load(_ bytes: [UInt8], entity: ImportEntity = .accounts, batchSize: Int = 2, pool: PostgresConnectionPool, project: UUID)
        async throws -> Loaded
    {
        let started = try await MigrationImporter(store: GantryStore(pool: pool)).start(
            ImportRequest(projectID: project, entity: entity, sourceName: "legacy.csv", csv: bytes, batchSize: batchSize))
        _ = try await runImport(started, pool: pool)
        let repository = MigrationImportRepository(pool: pool)
        let record = try #require(try await repository.find(started.importID))
        return Loaded(started: started, record: record, rejected: try await repository.results(started.importID, outcome: "rejected"))
    }

    @Test func macintoshCROnlyFileImportsEveryRecord() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let loaded = try await load(
            Array("external_id,name,industry\rA1,Acme,retail\rA2,\"Beta\rGmbH\",\rA3,Gamma,banking\r".utf8),
            pool: pool, project: project)
        #expect(loaded.started.sourceRows == 3)
        #expect(loaded.record.counts == ImportCounts(created: 3))
        #expect(loaded.record.status == .balanced)
        let names = try await pool.query("SELECT name FROM accounts WHERE project_id = \(project) ORDER BY external_id")
        #expect(try names.rows.map { try $0.decode(0, as: String.self) } == ["Acme", "Beta\rGmbH", "Gamma"])
    }

    @Test func strayCarriageReturnInAnUnquotedFieldRejectsThatRowAndTheImportBalances() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let loaded = try await load(
            Array("external_id,name\r\nA1,Acme\rCorp\r\nA2,Beta\nA3,Gamma\r\n".utf8), pool: pool, project: project)
        #expect(loaded.started.sourceRows == 3)
        #expect(loaded.record.counts == ImportCounts(created: 2, rejected: 1))
        #expect(loaded.record.status == .balanced)
        let rejection = try #require(loaded.rejected.first)
        #expect(rejection.rowNo == 1 && rejection.externalID == "A1" && rejection.column == "name")
        #expect(rejection.reason?.contains("line break (CR) outside quotes") == true)
    }

    @Test func inchMarksInUnquotedFieldsAreTextAndTheImportBalances() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let loaded = try await load(
            Array("external_id,name,industry\nA1,Monitor 24\",retail\nA2,Screen 27\",retail\nA3,\"Quoted \"\"32\"\"\",\n".utf8),
            pool: pool, project: project)
        #expect(loaded.started.sourceRows == 3)
        #expect(loaded.record.counts == ImportCounts(created: 3))
        #expect(loaded.record.status == .balanced)
        let names = try await pool.query("SELECT name FROM accounts WHERE project_id = \(project) ORDER BY external_id")
        #expect(try names.rows.map { try $0.decode(0, as: String.self) } == ["Monitor 24\"", "Screen 27\"", "Quoted \"32\""])
    }

    @Test func textAfterAClosingQuoteRejectsThatRowOnly() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let loaded = try await load(Array("external_id,name\nA1,\"Acme\" Ltd\nA2,Beta\n".utf8), pool: pool, project: project)
        #expect(loaded.record.counts == ImportCounts(created: 1, rejected: 1))
        #expect(loaded.record.status == .balanced)
        #expect(loaded.rejected.first?.reason?.contains("text after its closing quote") == true)
    }

    @Test(arguments: ["a\u{0B}b@example.com", "a\u{0C}b@example.com", "a\u{3000}b@example.com"])
    func emailWithAnOddSpaceIsThatRowsRejectionAndTheBatchSucceeds(email: String) async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let file = csv([
            MigrationBatchTests.contactHeader,
            ["C1", "", "Anna", "Smith", email, "", ""],
            ["C2", "", "Ben", "Jones", "ben@example.com", "", ""],
        ])
        let loaded = try await load(file, entity: .contacts, pool: pool, project: project)
        #expect(loaded.record.counts == ImportCounts(created: 1, rejected: 1))
        #expect(loaded.record.status == .balanced)
        #expect(loaded.rejected.map(\.column) == ["email"])
    }

    @Test func nulInTheFileIsRefusedWithItsLineBeforeAnythingIsStored() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        do {
            _ = try await MigrationImporter(store: GantryStore(pool: pool)).start(
                ImportRequest(projectID: project, entity: .accounts, sourceName: "a.csv",
                              csv: Array("external_id,name\nA1,Acme\nA2,Be\u{0}ta\n".utf8)))
            Issue.record("a file with a NUL byte was accepted")
        } catch let error as DataImportError {
            #expect(error.code == .nulByte)
            #expect(error.message.contains("line 3"))
        }
        #expect(try await importCount(pool) == 0)
    }

    @Test func importIDWithControlCharactersIsAPermanentFailureWhoseMessageHasNoNUL() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        do {
            _ = try await runBatchJob(["import_id": .string("0190a0b0-\u{0}000-7000-8000-00000000000\u{1}"), "batch_no": 1], pool: pool)
            Issue.record("a batch with a NUL in its import id ran")
        } catch let error as JobError {
            #expect(error.disposition == .permanent)
            #expect(!error.message.unicodeScalars.contains { $0.value < 0x20 })
            #expect(error.message.contains("import_id"))
        }
    }

    /// "e" and 10,000 combining marks in no pattern: one Character, 20 KB of UTF-8 that compression
    /// cannot bring under a btree entry's limit (about 2.7 KB), as a repeated mark would be.
    static let incompressibleCharacter: String = {
        var state: UInt32 = 2_463_534_242
        var scalars = String.UnicodeScalarView(["e"])
        for _ in 0..<10_000 {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            scalars.append(Unicode.Scalar(0x300 + state % 0x70)!)
        }
        return String(scalars)
    }()

    /// Values PostgreSQL would refuse, one per row and column, in every entity: each must end as that
    /// row's rejection (or load), never fail its batch.
    @Test func valuesPostgreSQLWouldRefuseAreRowRejectionsInEveryEntity() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let hostile = [
            String(repeating: "e\u{301}", count: 300),             // 300 characters, 600 code points
            Self.incompressibleCharacter,                                // one character, 20 KB: over the index's limit
            "\u{2028}", "\u{FEFF}", "\u{85}x", "x\u{7F}", "ß", "ßAB", "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00", "9999999999999.99", "999999999999.999", "1e5", "NaN", "Infinity",
            "2026-02-30", "0000-01-01", "a@b.c\u{2029}", "a\u{A0}b@example.com", "a\u{200B}b@example.com",
            "a@example.com\u{180E}", "\\", "\\N", "\t", "'; DROP TABLE accounts; --", "İstanbul@EXAMPLE.COM",
        ]
        for entity in [ImportEntity.accounts, .contacts, .leads, .deals, .activities] {
            let fields = entity.fields
            var records = [fields.map(\.column)]
            var row = 0
            for value in hostile {
                for position in fields.indices {
                    row += 1
                    // A valid row except one column; references stay empty (their lookup is tested elsewhere).
                    var record = fields.map { field -> String in
                        switch field.kind {
                        case .reference: ""
                        case .choice(let values, _): values[0]
                        case .text, .email, .phone, .date, .amount, .currency, .timestamp:
                            field.isRequired ? "ok" : ""
                        }
                    }
                    record[0] = "\(entity.rawValue)-\(row)"
                    record[position] = position == 0 ? value + "-\(row)" : value
                    records.append(record)
                }
            }
            let loaded = try await load(csv(records), entity: entity, batchSize: 500, pool: pool, project: project)
            #expect(loaded.record.status == .balanced, "\(entity): \(loaded.record.reconciliation.map { "\($0)" } ?? "")")
            #expect(loaded.record.counts.total == row)
        }
    }
}
