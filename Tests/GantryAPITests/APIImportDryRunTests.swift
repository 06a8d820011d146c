import Foundation
import GantryAPI
import GantryCore
import GantryJobs
import GantryKinds
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("API: import dry runs and GBK files", .enabled(if: TestServers.areAvailable))
struct APIImportDryRunTests {
    func rows(_ table: String, _ h: APIHarness) async throws -> Int {
        try await h.pgPool.query("SELECT count(*) FROM \(unsafeRaw: table)").rows[0].decode(0, as: Int.self)
    }

    @Test
    func aDryRunOfAGBKFxiaokeFileStoresNothingAndPredictsTheImportThatFollows() async throws {
        let h = try await APIHarness.make("api import dry run")
        let project = try await h.project("纷享客户", clientSize: .medium, start: "2026-04-06")
        try await h.run { api in
            let query = "project_id=\(project.id.uuidString)&entity=accounts&profile=fxiaoke&name=%E5%AE%A2%E6%88%B7.csv"
            let file = FxiaokeExport.gb18030(FxiaokeExport.accounts)
            let dryRun = try await api.call(.post, "/v1/imports/dry-run?" + query, token: h.submit, bytes: file)
            #expect(dryRun.status == 200, "\(dryRun.text)")
            let predicted = try #require(dryRun.object["counts"] as? [String: Int])
            #expect(predicted == ["created": 3, "updated": 0, "unchanged": 0, "rejected": 0])
            #expect(dryRun.object["encoding"] as? String == "gb18030")
            #expect((dryRun.object["encoding_note"] as? String)?.contains("GB18030") == true)
            #expect(dryRun.object["ignored_headers"] as? [String] == ["客户级别", "地址", "负责人", "创建时间"])
            #expect(dryRun.object["source_name"] as? String == "客户.csv")
            #expect((dryRun.object["reconciliation"] as? [String: Any])?["balanced"] as? Bool == true)
            for table in ["accounts", "migration_imports", "migration_batches", "migration_row_results"] {
                #expect(try await rows(table, h) == 0, "the dry run left rows in \(table)")
            }

            let created = try await api.call(.post, "/v1/imports?" + query, token: h.submit, bytes: file)
            #expect(created.status == 202, "\(created.text)")
            #expect(created.object["encoding"] as? String == "gb18030")
            let id = try #require(created.object["id"] as? String)
            for job in try #require(created.object["job_ids"] as? [String]) {
                #expect(try await h.perform(enqueued: job, api: api) == MigrationBatchKind.name)
            }
            let status = try await api.call(.get, "/v1/imports/\(id)", token: h.read)
            #expect(status.object["counts"] as? [String: Int] == predicted)
            #expect(status.object["status"] as? String == "balanced")
            #expect(try await rows("accounts", h) == 3)

            // A contacts file named GBK: the dry run lists the row whose account name matches nothing.
            let contacts = try await api.call(
                .post, "/v1/imports/dry-run?project_id=\(project.id.uuidString)&entity=contacts&profile=fxiaoke&encoding=gbk",
                token: h.submit, bytes: FxiaokeExport.gb18030(FxiaokeExport.contacts))
            #expect(contacts.status == 200, "\(contacts.text)")
            #expect(contacts.object["counts"] as? [String: Int] == ["created": 2, "updated": 0, "unchanged": 0, "rejected": 1])
            #expect(contacts.object["encoding_note"] as? String == "decoded as GB18030 (GBK), as asked")
            let rejected = try #require(contacts.object["rejected"] as? [[String: Any]])
            #expect(rejected.count == 1)
            #expect(rejected.first?["row"] as? Int == 3 && rejected.first?["column"] as? String == "客户名称")
            #expect(try await rows("contacts", h) == 0)
        }
    }

    @Test
    func aFileThatIsNotTheNamedEncodingIsRefusedWithItsOffsetAndTheDryRunNeedsTheSubmitScope() async throws {
        let h = try await APIHarness.make("api import encoding")
        let project = try await h.project("Encoding", clientSize: .small, start: "2026-04-06")
        try await h.run { api in
            let base = "?project_id=\(project.id.uuidString)&entity=accounts&encoding=gb18030"
            let bad: [UInt8] = Array("external_id,name\r\nA1,".utf8) + [0xFF, 0x0D, 0x0A]
            for path in ["/v1/imports", "/v1/imports/dry-run"] {
                let answer = try await api.call(.post, path + base, token: h.submit, bytes: bad)
                #expect(answer.status == 422, "\(answer.text)")
                #expect((answer.error["message"] as? String)?.contains("byte 0xFF at offset 21 (line 2)") == true, "\(answer.text)")
            }
            let unknown = try await api.call(.post, "/v1/imports/dry-run?project_id=\(project.id.uuidString)&entity=accounts&encoding=latin1",
                                             token: h.submit, bytes: Array("external_id,name\r\n".utf8))
            #expect(unknown.status == 400)
            let readOnly = try await api.call(.post, "/v1/imports/dry-run" + base, token: h.read, bytes: Array("external_id,name\r\n".utf8))
            #expect(readOnly.status == 403)
            #expect(try await rows("migration_imports", h) == 0)
        }
    }
}

extension APIClient {
    /// A CSV upload of raw bytes (a GBK file is no Swift string).
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String, bytes: [UInt8]) async throws -> Answer {
        var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "text/csv"]
        headers[.accept] = "application/json"
        return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: bytes)) { response in
            Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: response.body))
        }
    }
}
