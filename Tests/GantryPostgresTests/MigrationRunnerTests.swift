import GantryPostgres
import Testing

@Suite("MigrationRunner against PostgreSQL 15")
struct MigrationRunnerTests {
    func migrations(schema: String) -> [Migration] {
        let s = PostgresQuery.quoteIdentifier(schema)
        return [
            Migration(version: 2, name: "add_index", sql: "CREATE INDEX ON \(s).items (label);"),
            Migration(
                version: 1, name: "create_items",
                sql: "CREATE SCHEMA IF NOT EXISTS \(s); CREATE TABLE \(s).items (id serial PRIMARY KEY, label text);"),
        ]
    }

    @Test func migrationAppliedOnceWhenTheRunnerRunsTwice() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let schema = TestPostgres.uniqueName("mig")
        let table = TestPostgres.uniqueName("migrations")
        let runner = MigrationRunner(migrations: migrations(schema: schema), table: table, logger: TestPostgres.logger)
        #expect(try await runner.run(on: connection) == [1, 2])
        #expect(try await runner.run(on: connection) == [])
        let recorded = try await connection.query("SELECT version, name, checksum FROM \(identifier: table) ORDER BY version")
        #expect(try recorded.map { try $0.decode("version", as: Int.self) } == [1, 2])
        #expect(try recorded.first?.decode("name", as: String.self) == "create_items")

        // Editing an applied migration is refused.
        var edited = migrations(schema: schema)
        edited[1].sql += " -- edited"
        let tampered = MigrationRunner(migrations: edited, table: table, logger: TestPostgres.logger)
        await #expect {
            try await tampered.run(on: connection)
        } throws: { error in
            let error = error as? PostgresError
            return error?.code == .migrationFailed && error?.message.contains("create_items") == true
        }
    }

    @Test func twoConcurrentRunnersApplyEachMigrationOnce() async throws {
        let first = try await TestPostgres.connect()
        defer { first.close() }
        let second = try await TestPostgres.connect()
        defer { second.close() }
        let schema = TestPostgres.uniqueName("migc")
        let table = TestPostgres.uniqueName("migrations")
        let runner = MigrationRunner(migrations: migrations(schema: schema), table: table, logger: TestPostgres.logger)
        async let a = runner.run(on: first)
        async let b = runner.run(on: second)
        let (appliedA, appliedB) = try await (a, b)
        #expect((appliedA + appliedB).sorted() == [1, 2])
        #expect(appliedA.isEmpty || appliedB.isEmpty)
        #expect(try await first.rowCount(of: table) == 2)
    }

    @Test func failingMigrationRollsBackAndReportsItsName() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let table = TestPostgres.uniqueName("migrations")
        let probe = TestPostgres.uniqueName("probe")
        let runner = MigrationRunner(
            migrations: [
                Migration(version: 1, name: "broken", sql: "CREATE TABLE \(probe) (a int); SELECT * FROM nowhere_at_all;")
            ],
            table: table, logger: TestPostgres.logger)
        await #expect {
            try await runner.run(on: connection)
        } throws: { error in
            let error = error as? PostgresError
            return error?.sqlState == "42P01" && error?.message.contains("broken") == true
        }
        let exists = try await connection.query("SELECT to_regclass(\(probe)) IS NOT NULL").first?.decode(0, as: Bool.self)
        #expect(exists == false)
    }
}
