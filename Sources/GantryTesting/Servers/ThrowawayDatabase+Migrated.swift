import GantryPostgres
import GantryPostgresStore
import Testing

extension Trait where Self == ThrowawayDatabase {
    /// Each test gets a database of its own with Gantry's schema, dropped when it ends.
    public static var migratedDatabase: Self {
        ThrowawayDatabase(prefix: "db") { _ = try await GantryMigrator.migrate($0, logger: .init(label: "test")) }
    }
}

/// The running test's database, in a suite with the `.migratedDatabase` trait.
public func migratedDatabase() async throws -> PostgresConnectionPool { try ThrowawayDatabase.pool() }
