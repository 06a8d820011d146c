import FoundationEssentials
import GantryLocalServers
import Glibc
import Logging
import ServiceLifecycle

/// The service of `gantry dev` after the servers: waits for them, migrates, prints where everything is, opens the
/// gate the workers wait at (they need the migrated tables), then stays until graceful shutdown. The roles that
/// need migrated servers (workers, later the API and coordinator) follow it in the group.
struct DevStartup: Service {
    let redisURL: String
    let databaseURL: String
    let dataDirectory: String
    let redis: LocalRedis?
    let postgres: LocalPostgres?
    let workers: WorkerPlan
    let gate: StartupGate
    let logger: Logger

    func run() async throws {
        do {
            if let redis { try await redis.waitUntilReady() }
            if let postgres {
                try await postgres.waitUntilReady()
                if try postgres.createDatabaseIfMissing("gantry") { logger.info("created the database gantry") }
            }
        } catch let error as LocalServerError {
            throw DevError(error, hint: DevError.ownServersHint)
        }
        try await DevMigrations.apply(databaseURL: databaseURL, logger: logger)
        _ = try await DevAdminToken.ensure(databaseURL: databaseURL, dataDirectory: dataDirectory)
        try DevAdminToken.writeURL(workers.apiURL, dataDirectory: dataDirectory)
        // The servers' real addresses (a busy port moves them), for the commands that read them directly.
        try DevAdminToken.writeFile("redis-url", redisURL, dataDirectory: dataDirectory)
        try DevAdminToken.writeFile("database-url", databaseURL, dataDirectory: dataDirectory)
        announce()
        gate.open()
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: the group is going down anyway.
        }
    }

    private func announce() {
        // stdout, one address per line, so scripts can read them; written unbuffered because stdout may be a file.
        var lines = [
            "gantry dev is running (Ctrl-C or SIGTERM stops it)",
            "redis     " + DevURL.redacted(redisURL) + (redis == nil ? "  (GANTRY_REDIS_URL)" : ""),
            "postgres  " + DevURL.redacted(databaseURL) + (postgres == nil ? "  (GANTRY_DATABASE_URL)" : ""),
            "data      " + dataDirectory,
            "api       " + workers.apiURL + "  (log " + workers.logFile(.api) + ")",
            "dashboard " + workers.apiURL + "/  (sign in with the token below)",
            "coordinator  (log " + workers.logFile(.coordinator) + ")",
            "token     " + dataDirectory + "/" + DevAdminToken.tokenFile + "  (admin; the CLI finds it here)",
            "workers   \(workers.count)",
        ]
        if workers.count > 0 {
            lines[lines.count - 1] += "  (gantry worker " + workers.arguments.dropFirst().joined(separator: " ") + ")"
            lines += workers.numbers.map { "worker \($0)  " + workers.logFile($0) }
        }
        lines += [
            "",
            "next, in another terminal in this folder:",
            "  gantry kinds                                   # what can run",
            "  gantry submit gantry.sleep --payload '{\"ms\": 500}' --wait",
            "  gantry queues --watch                          # queue depth, live",
        ]
        Text.writeStandardOutput(lines.joined(separator: "\n") + "\n")
    }
}
