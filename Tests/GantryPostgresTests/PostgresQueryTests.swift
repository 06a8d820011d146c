import Foundation
import GantryPostgres
import Testing

@Suite("PostgresQuery and configuration (no server)")
struct PostgresQueryTests {
    @Test func interpolationProducesNumberedBindsInOrder() {
        let id = 42
        let name = "Ada"
        let missing: String? = nil
        let query: PostgresQuery = "SELECT * FROM t WHERE id = \(id) AND name = \(name) OR note = \(missing)"
        #expect(query.sql == "SELECT * FROM t WHERE id = $1 AND name = $2 OR note = $3")
        #expect(query.binds.count == 3)
        #expect(query.binds[0].dataType == .int8)
        #expect(query.binds[0].format == .binary)
        #expect(query.binds[0].bytes == [0, 0, 0, 0, 0, 0, 0, 42])
        #expect(query.binds[1] == PostgresBind(dataType: .text, format: .text, bytes: Array("Ada".utf8)))
        #expect(query.binds[2].dataType == .text)
        #expect(query.binds[2].bytes == nil)
    }

    @Test func hostileStringBecomesABindNotSQL() {
        let hostile = "'; DROP TABLE x; --"
        let query: PostgresQuery = "INSERT INTO t (v) VALUES (\(hostile))"
        #expect(query.sql == "INSERT INTO t (v) VALUES ($1)")
        #expect(query.binds.first?.bytes == Array(hostile.utf8))
    }

    @Test func rawFragmentsAndIdentifiersAreSpelledOut() {
        let schema = "my\"schema"
        let query: PostgresQuery = "SELECT 1 FROM \(identifier: schema).\(unsafeRaw: "jobs") WHERE a = \(1)"
        #expect(query.sql == "SELECT 1 FROM \"my\"\"schema\".jobs WHERE a = $1")
        #expect(query.binds.count == 1)
    }

    @Test func configurationParsesURLAndRedactsPassword() throws {
        let configuration = try PostgresConfiguration(
            url: "postgresql://app%40x:s3cr%2Ft@db.example.com:6543/crm?sslmode=require&application_name=api")
        #expect(configuration.user == "app@x")
        #expect(configuration.password == "s3cr/t")
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.database == "crm")
        #expect(configuration.sslMode == "require")
        #expect(configuration.applicationName == "api")
        #expect(!configuration.description.contains("s3cr"))
        #expect(configuration.description.contains("***"))

        let defaults = try PostgresConfiguration(url: "postgres://gantry@localhost/gantry")
        #expect(defaults.port == 5432)
        #expect(defaults.password == nil)
        #expect(defaults.description == "postgres://gantry@localhost:5432/gantry")
    }

    @Test(arguments: ["http://u@h/db", "postgres://h/db", "not a url", "postgres://u@h/db?bogus=1", "postgres://u@h:99999/db"])
    func badURLIsInvalidConfiguration(url: String) {
        #expect {
            try PostgresConfiguration(url: url)
        } throws: { error in
            (error as? PostgresError)?.code == .invalidConfiguration
        }
    }

    @Test func copyWriterEscapesSpecialCharacters() {
        var writer = PostgresCopyWriter()
        writer.append(row: ["a\tb", "c\nd", "e\\f", nil, "\\N"])
        #expect(writer.rowCount == 1)
    }

    @Test func migrationChecksumIsSHA256() {
        #expect(Migration(version: 1, name: "x", sql: "").checksum
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Migration(version: 1, name: "x", sql: "abc").checksum
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func errorDescriptionHasCodeStateAndMessage() {
        let error = PostgresError(
            code: .server, sqlState: "42P01", message: "relation \"x\" does not exist", query: "SELECT * FROM x")
        #expect(error.description == "PostgresError.server (SQLSTATE 42P01): relation \"x\" does not exist")
        #expect(String(reflecting: error).contains("QUERY: SELECT * FROM x"))
    }
}
