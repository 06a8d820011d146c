import Logging

/// The migrations `gantry dev` applies once PostgreSQL answers.
enum DevMigrations {
    static func apply(databaseURL: String, logger: Logger) async throws {
        // TODO(owner: migrate): apply GantryPostgresStore's migrations here, as `gantry migrate` does; this body is
        // a placeholder until MigrateCommand.swift provides the real function.
    }
}
