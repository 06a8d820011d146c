import ArgumentParser
import GantryPostgres
import GantryPostgresStore
import Logging

/// `gantry migrate`: brings the PostgreSQL schema up to date. Safe to run twice or from several
/// hosts at once: each migration is applied once, under a lock, in its own transaction.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the database migrations (idempotent).")

    @OptionGroup var servers: ServerOptions

    func run() async throws {
        let configuration = try GantryEnvironment.postgres(servers.databaseURL)
        let logger = Logger(label: "gantry.migrate")
        let applied = try await Migrations.apply(configuration, logger: logger)
        if applied.isEmpty {
            print("schema is up to date (\(configuration))")
        } else {
            print("applied migrations \(applied.map(String.init).joined(separator: ", ")) to \(configuration)")
        }
    }
}

enum Migrations {
    static func apply(_ configuration: PostgresConfiguration, logger: Logger) async throws -> [Int] {
        let connection = try await PostgresConnection.connect(configuration: configuration, logger: logger)
        defer { connection.close() }
        return try await GantryMigrator.migrate(connection, logger: logger)
    }
}
