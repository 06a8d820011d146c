import GantryLocalServers
import Logging

/// The Redis and PostgreSQL a whole `gantry bench` runs against: the configured ones (`--redis-url`,
/// `--database-url`, then GANTRY_REDIS_URL / GANTRY_DATABASE_URL), else servers started for this run alone in a
/// throwaway directory, as `gantry dev` starts its own but without persistence (no AOF, fsync off: the acceptance
/// checks' servers are so too), migrated before the suites run and stopped and removed after them.
final class BenchSuiteServers: Sendable {
    let redisURL: String
    let databaseURL: String
    /// The servers this run started (none when both were configured).
    private let started: [any LocalServer]
    private let directory: String?

    private init(redisURL: String, databaseURL: String, started: [any LocalServer], directory: String?) {
        self.redisURL = redisURL
        self.databaseURL = databaseURL
        self.started = started
        self.directory = directory
    }

    /// Whether each server was started for the run (`embedded`) or configured, for the report.
    var origin: String {
        switch started.count {
        case 0: "configured"
        case 2: "embedded (started for the run)"
        default: started.contains { $0 is LocalRedis } ? "Redis embedded, PostgreSQL configured" : "Redis configured, PostgreSQL embedded"
        }
    }

    static func open(_ options: ServerOptions, logger: Logger) async throws -> BenchSuiteServers {
        let configuredRedis = options.redisURL ?? GantryEnvironment.value("GANTRY_REDIS_URL")
        let configuredDatabase = options.databaseURL ?? GantryEnvironment.value("GANTRY_DATABASE_URL")
        if let configuredRedis, let configuredDatabase {
            return BenchSuiteServers(redisURL: configuredRedis, databaseURL: configuredDatabase, started: [], directory: nil)
        }
        let directory = try TemporaryDirectory.make(prefix: "gantry-bench")
        var started: [any LocalServer] = []
        do {
            var redisURL = configuredRedis
            if redisURL == nil {
                logger.notice("starting a redis-server for the benchmarks in \(directory)")
                let redis = try LocalRedis.startOnFreePort { port in
                    try LocalRedis(.init(directory: directory + "/redis", port: port, lifetime: .endsWithThisProcess))
                }
                started.append(redis)
                redisURL = redis.url
            }
            var databaseURL = configuredDatabase
            if databaseURL == nil {
                logger.notice("starting PostgreSQL for the benchmarks in \(directory)")
                let postgres = try startPostgres(in: directory)
                started.append(postgres)
                try postgres.createDatabaseIfMissing("gantry")
                let url = "postgres://gantry@127.0.0.1:\(postgres.port)/gantry"
                try await DevMigrations.apply(databaseURL: url, logger: logger)
                databaseURL = url
            }
            return BenchSuiteServers(redisURL: redisURL!, databaseURL: databaseURL!, started: started, directory: directory)
        } catch {
            for server in started { server.stop() }
            TemporaryDirectory.remove(directory)
            throw error
        }
    }

    /// Stops the servers this run started and removes their directory; configured servers are left alone.
    func stop() {
        for server in started.reversed() { server.stop() }
        if let directory { TemporaryDirectory.remove(directory) }
    }

    private static func startPostgres(in directory: String) throws -> LocalPostgres {
        var initialized = false
        return try LocalPostgres.startOnFreePort { port in
            let server = try LocalPostgres(.init(
                cluster: directory + "/postgres", port: port, logFile: directory + "/postgres.log", throwaway: true,
                lifetime: .endsWithThisProcess))
            // One cluster for every attempt: only the port changes between them.
            if !initialized {
                try server.initialize()
                initialized = true
            }
            return server
        }
    }
}
