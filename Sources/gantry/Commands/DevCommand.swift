import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

/// `gantry dev`: Gantry on one machine with one command. Starts its own redis-server and PostgreSQL in the data
/// directory unless GANTRY_REDIS_URL / GANTRY_DATABASE_URL point elsewhere, migrates, prints the addresses and runs
/// until SIGTERM or Ctrl-C, then stops what it started. Each part is a service of one ServiceGroup.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run Gantry locally, with its own Redis and PostgreSQL.",
        discussion: """
            Without GANTRY_REDIS_URL, starts redis-server (append-only file, fsync every second) with its data in \
            DIR/redis; without GANTRY_DATABASE_URL, starts PostgreSQL with its cluster in DIR/postgres (initdb on \
            the first start). Then applies the migrations, prints the addresses, and runs until SIGTERM or Ctrl-C, \
            which stop the servers it started. Server output goes to DIR/redis.log and DIR/postgres.log.
            """
    )

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Where the embedded servers keep their data.", valueName: "DIR"))
    var dataDirectory = ".gantry"

    @Option(name: .customLong("redis-port"), help: "Port of the embedded Redis (default 6390; another when busy).")
    var redisPort: Int?

    @Option(name: .customLong("postgres-port"), help: "Port of the embedded PostgreSQL (default 5440; another when busy).")
    var postgresPort: Int?

    func run() async throws {
        var logger = Logger(label: "gantry.dev")
        logger.logLevel = .info
        let environment = ProcessInfo.processInfo.environment
        let dataDirectory = URL(fileURLWithPath: self.dataDirectory).standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw DevError(.dataDirectory, "cannot create the data directory \(dataDirectory): \(error)")
        }

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var redis: EmbeddedRedis?
        let redisURL: String
        if let configured = environment["GANTRY_REDIS_URL"], !configured.isEmpty {
            redisURL = configured
        } else {
            let embedded = try await EmbeddedRedis.prepare(
                dataDirectory: dataDirectory, preferredPort: redisPort, logger: logger)
            redis = embedded
            redisURL = embedded.url
            services.append(.init(service: embedded, serviceName: "redis-server"))
        }

        var postgres: EmbeddedPostgres?
        let databaseURL: String
        if let configured = environment["GANTRY_DATABASE_URL"], !configured.isEmpty {
            databaseURL = configured
        } else {
            let embedded = try await EmbeddedPostgres.prepare(
                dataDirectory: dataDirectory, preferredPort: postgresPort, logger: logger)
            postgres = embedded
            databaseURL = embedded.url
            services.append(.init(service: embedded, serviceName: "postgres"))
        }

        let startup = DevStartup(
            redisURL: redisURL, databaseURL: databaseURL, dataDirectory: dataDirectory,
            redis: redis, postgres: postgres, logger: logger)
        services.append(.init(service: startup, serviceName: "startup"))

        // Graceful shutdown runs in reverse order: startup (and later the API and workers) first, the servers last.
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(7)
        configuration.maximumCancellationDuration = .seconds(2)
        try await ServiceGroup(configuration: configuration).run()
    }
}
