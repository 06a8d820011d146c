import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// A private database for each test of a suite with this trait, migrated with Gantry's schema and
/// dropped when the test ends (also when it fails), so that a run leaves no database behind.
struct MigratedDatabase: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    /// The pool of the running test's database.
    @TaskLocal static var current: PostgresConnectionPool?

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard !test.isSuite else { return try await function() }
        let name = TestServers.uniquePrefix("jobs").lowercased()
        try await Self.admin { try await $0.execute(unsafeSQL: "CREATE DATABASE \(name)") }
        var configuration = try PostgresConfiguration(url: try TestServers.databaseURL())
        configuration.database = name
        let pool = PostgresConnectionPool(configuration: configuration, size: 4)
        let outcome: Result<Void, any Error>
        do {
            try await pool.withConnection { _ = try await GantryMigrator.migrate($0, logger: .init(label: "test")) }
            try await Self.$current.withValue(pool) { try await function() }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await pool.close()
        try await Self.admin { try await $0.execute(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        try outcome.get()
    }

    static func admin(_ body: (PostgresConnection) async throws -> Void) async throws {
        let admin = try await PostgresConnection.connect(configuration: try PostgresConfiguration(url: try TestServers.databaseURL()))
        defer { admin.close() }
        try await body(admin)
    }
}

extension Trait where Self == MigratedDatabase {
    /// Each test gets a migrated database of its own, dropped when it ends.
    static var migratedDatabase: Self { MigratedDatabase() }
}

/// The running test's database (see `MigratedDatabase`).
func migratedDatabase() async throws -> PostgresConnectionPool {
    try #require(MigratedDatabase.current, "the suite needs the .migratedDatabase trait")
}
