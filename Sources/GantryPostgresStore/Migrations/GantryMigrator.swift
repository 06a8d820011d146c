import GantryPostgres
import Logging

/// Applies Gantry's migrations; what `gantry migrate` and `gantry dev` run.
public enum GantryMigrator {
    /// Returns the versions applied now (empty when the schema was up to date).
    @discardableResult
    public static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await MigrationRunner(migrations: GantrySchema.migrations, logger: logger).run(on: connection)
    }
}
