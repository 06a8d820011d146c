import Foundation
import Logging
import ServiceLifecycle

/// The last service of `gantry dev`: waits for the servers, migrates, prints where everything is, then stays
/// until graceful shutdown. Later roles (API, coordinator, workers) join the group after it.
struct DevStartup: Service {
    let redisURL: String
    let databaseURL: String
    let dataDirectory: String
    let redis: EmbeddedRedis?
    let postgres: EmbeddedPostgres?
    let logger: Logger

    func run() async throws {
        if let redis { try await redis.waitUntilReady() }
        if let postgres {
            try await postgres.waitUntilReady()
            try await postgres.createDatabaseIfMissing()
        }
        try await DevMigrations.apply(databaseURL: databaseURL, logger: logger)
        announce()
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: the group is going down anyway.
        }
    }

    private func announce() {
        // stdout, one address per line, so scripts can read them; written unbuffered because stdout may be a file.
        let lines = [
            "gantry dev is running (Ctrl-C or SIGTERM stops it)",
            "redis     " + DevURL.redacted(redisURL) + (redis == nil ? "  (GANTRY_REDIS_URL)" : ""),
            "postgres  " + DevURL.redacted(databaseURL) + (postgres == nil ? "  (GANTRY_DATABASE_URL)" : ""),
            "data      " + dataDirectory,
        ]
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
