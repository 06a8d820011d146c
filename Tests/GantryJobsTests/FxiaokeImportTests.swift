import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Synchronization
import Testing

/// A 纷享销客 export in GBK bytes, end to end on PostgreSQL: it imports and reconciles, and a dry run
/// of each file commits nothing and reports the counts the real import then has.
@Suite(.migratedDatabase) struct FxiaokeImportTests {
    static let crmTables = ["accounts", "contacts", "leads", "deals", "activities"]

    /// Row counts of every CRM table of the project, the imports and the row results.
    func footprint(_ project: UUID, _ pool: PostgresConnectionPool) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in Self.crmTables { counts[table] = try await count(table, project: project, pool: pool) }
        counts["migration_imports"] = try await importCount(pool)
        counts["migration_row_results"] = try await pool.query("SELECT count(*) FROM migration_row_results").rows[0]
            .decode(0, as: Int.self)
        return counts
    }

    func request(_ project: UUID, _ entity: ImportEntity, _ text: String, encoding: SourceEncoding = .auto) -> ImportRequest {
        ImportRequest(
            projectID: project, entity: entity, profile: .fxiaoke, sourceName: "\(entity.rawValue).csv",
            csv: FxiaokeExport.gb18030(text), encoding: encoding, batchSize: 2)
    }

    /// Dry run, check nothing moved, then the real import: returns both, for the caller's expectations.
    func rehearseThenImport(_ request: ImportRequest, pool: PostgresConnectionPool) async throws
        -> (rehearsal: MigrationImporter.Rehearsed, record: MigrationImportRecord)
    {
        let importer = MigrationImporter(store: GantryStore(pool: pool))
        let before = try await footprint(request.projectID, pool)
        let batchesSeen = Mutex<[Int]>([])
        let rehearsed = try await importer.dryRun(request) { done, _ in batchesSeen.withLock { $0.append(done) } }
        #expect(try await footprint(request.projectID, pool) == before, "the dry run of \(request.entity) left rows behind")
        #expect(batchesSeen.withLock { $0 } == Array(1...rehearsed.dryRun.batchCount))

        let started = try await importer.start(request)
        _ = try await runImport(started, pool: pool)
        let record = try #require(try await MigrationImportRepository(pool: pool).find(started.importID))
        #expect(record.counts == rehearsed.dryRun.counts, "\(request.entity): dry run and import disagree")
        #expect(record.status == .balanced, "\(String(describing: record.reconciliation))")
        #expect(rehearsed.dryRun.reconciliation?.isBalanced == true)
        return (rehearsed, record)
    }

    @Test func aGBKFxiaokeExportImportsAndReconcilesAndEachDryRunPredictsItsImport() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id

        // Accounts: GBK detected (nobody named it), Fxiaoke's extra columns ignored and listed.
        let accounts = try await rehearseThenImport(request(project, .accounts, FxiaokeExport.accounts), pool: pool)
        #expect(accounts.record.counts == ImportCounts(created: 3))
        #expect(accounts.rehearsal.encoding == .gb18030 && accounts.rehearsal.encodingDetected)
        #expect(accounts.rehearsal.ignoredHeaders == ["客户级别", "地址", "负责人", "创建时间"])
        let huawei = try await pool.query(
            "SELECT name, industry, phone FROM accounts WHERE project_id = \(project) AND external_id = 'KH-0001'").rows[0]
        #expect(try huawei.decode(0, as: String.self) == "华为技术有限公司")
        #expect(try huawei.decode(1, as: String.self) == "通信")
        #expect(try huawei.decode(2, as: String.self) == "075528780808")

        // Contacts: GBK named; the account is linked by its name, and an unknown name is rejected.
        let contacts = try await rehearseThenImport(
            request(project, .contacts, FxiaokeExport.contacts, encoding: .gb18030), pool: pool)
        #expect(contacts.record.counts == ImportCounts(created: 2, rejected: 1))
        #expect(contacts.rehearsal.dryRun.rejected.map(\.rowNo) == [3])
        #expect(contacts.rehearsal.dryRun.rejected.first?.column == "客户名称")
        #expect(contacts.rehearsal.dryRun.rejected.first?.reason == "no account with external id or unique name 不存在的公司 in this project")
        #expect(!contacts.rehearsal.encodingDetected)
        let wang = try await pool.query(
            "SELECT account_external_id, last_name, email FROM contacts WHERE project_id = \(project) AND external_id = 'LXR-001'"
        ).rows[0]
        #expect(try wang.decode(0, as: String.self) == "KH-0001")
        #expect(try wang.decode(1, as: String.self) == "王小明")
        #expect(try wang.decode(2, as: String.self) == "wang.xm@huawei.com")

        // Leads: Fxiaoke's statuses mapped, the name kept whole.
        let leads = try await rehearseThenImport(request(project, .leads, FxiaokeExport.leads), pool: pool)
        #expect(leads.record.counts == ImportCounts(created: 2))
        let statuses = try await pool.query(
            "SELECT external_id, last_name, status, coalesce(phone, '') FROM leads WHERE project_id = \(project) ORDER BY 1"
        ).rows.map { row in try (0..<4).map { try row.decode($0, as: String.self) } }
        #expect(statuses == [["XS-001", "陈晨", "contacted", "13512345678"], ["XS-002", "刘洋", "new", ""]])

        // Deals: ¥, 元 and CNY amounts, 年月日 and slashed dates, Fxiaoke stages; an unknown stage rejected.
        let deals = try await rehearseThenImport(request(project, .deals, FxiaokeExport.deals), pool: pool)
        #expect(deals.record.counts == ImportCounts(created: 3, rejected: 1))
        #expect(deals.rehearsal.dryRun.rejected.first?.column == "商机阶段")
        let rows = try await pool.query(
            """
            SELECT external_id, stage, amount::text, currency, close_date::text, account_external_id FROM deals
            WHERE project_id = \(project) ORDER BY external_id
            """
        ).rows.map { row in try (0..<6).map { try row.decode($0, as: String.self) } }
        #expect(rows == [
            ["SJ-001", "proposal", "1234567.50", "CNY", "2024-06-30", "KH-0001"],
            ["SJ-002", "negotiation", "88000.00", "CNY", "2024-07-15", "KH-0002"],
            ["SJ-003", "closed_won", "120000.00", "CNY", "2024-05-01", "KH-0003"],
        ])

        // Follow-ups: China Standard Time, linked to the account and the deal by name.
        let activities = try await rehearseThenImport(request(project, .activities, FxiaokeExport.activities), pool: pool)
        #expect(activities.record.counts == ImportCounts(created: 2))
        let call = try await pool.query(
            """
            SELECT type, subject, done_at = '2024-03-08T06:30:00Z'::timestamptz, account_external_id, deal_external_id
            FROM activities WHERE project_id = \(project) AND external_id = 'GJ-001'
            """
        ).rows[0]
        #expect(try call.decode(0, as: String.self) == "call")
        #expect(try call.decode(1, as: String.self) == "沟通二期需求范围")
        #expect(try call.decode(2, as: Bool.self))
        #expect(try call.decode(3, as: String.self) == "KH-0001")
        #expect(try call.decode(4, as: String.self) == "SJ-001")
    }

    @Test func aDryRunAfterTheImportPredictsTheReimportUnchangedAndStillStoresNothing() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        let importer = MigrationImporter(store: GantryStore(pool: pool))
        _ = try await runImport(try await importer.start(request(project, .accounts, FxiaokeExport.accounts)), pool: pool)
        // One account renamed in the legacy CRM since: the dry run says one update, two unchanged.
        let edited = FxiaokeExport.accounts.replacingOccurrences(of: "杭州数云科技有限公司", with: "杭州数云信息技术有限公司")
        let again = try await rehearseThenImport(request(project, .accounts, edited), pool: pool)
        #expect(again.record.counts == ImportCounts(updated: 1, unchanged: 2))
    }

    @Test func aFileInNeitherEncodingIsRefusedBeforeAnythingIsStored() async throws {
        let pool = try await migratedDatabase()
        defer { Task { await pool.close() } }
        let project = try await createProject(in: pool).id
        var bytes = FxiaokeExport.gb18030(FxiaokeExport.accounts)
        let offset = bytes.firstIndex(of: 0x0A)! + 5
        bytes[offset] = 0xFF
        let importer = MigrationImporter(store: GantryStore(pool: pool))
        let file = ImportRequest(projectID: project, entity: .accounts, profile: .fxiaoke, sourceName: "a.csv", csv: bytes)
        let refused = await #expect(throws: DataImportError.self) { _ = try await importer.start(file) }
        #expect(refused?.code == .notUTF8)
        #expect(refused?.message.contains("offset \(offset) (line 2)") == true, "\(String(describing: refused))")
        let rehearsal = await #expect(throws: DataImportError.self) { _ = try await importer.dryRun(file) }
        #expect(rehearsal == refused)
        #expect(try await importCount(pool) == 0)
    }
}
