import GantryPostgres
import Logging

/// The migrations `gantry dev` applies once PostgreSQL answers: the same as `gantry migrate`.
enum DevMigrations {
    static func apply(databaseURL: String, logger: Logger) async throws {
        let applied = try await Migrations.apply(try PostgresConfiguration(url: databaseURL), logger: logger)
        if !applied.isEmpty {
            logger.info("applied migrations", metadata: ["versions": "\(applied.map(String.init).joined(separator: ","))"])
        }
    }
}
