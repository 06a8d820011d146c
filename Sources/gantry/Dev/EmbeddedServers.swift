import GantryLocalServers
import Glibc
import Logging

/// The servers `gantry dev` runs when GANTRY_REDIS_URL / GANTRY_DATABASE_URL are not set, each in the data
/// directory, on its usual port unless that is busy, outliving a `gantry dev` that is killed (the next one finds
/// them by their pid files and stops them first).
enum EmbeddedServers {
    static let redisPort = 6390
    static let postgresPort = 5440

    /// redis-server in `<data-dir>/redis`, loopback only, its append-only file fsynced every second (as in
    /// production); its output in `<data-dir>/redis.log`.
    static func redis(dataDirectory: String, preferredPort: Int?, logger: Logger) async throws -> LocalRedis {
        let directory = dataDirectory + "/redis"
        let pidFile = directory + "/redis.pid"
        await stopLeftover(pidFile: pidFile, programName: "redis-server", signal: SIGTERM, logger: logger)
        return try kit(hint: "set GANTRY_REDIS_URL to use a Redis of your own") {
            try LocalRedis(.init(
                directory: directory, port: choosePort(preferredPort ?? redisPort, for: "Redis", logger: logger),
                logFile: dataDirectory + "/redis.log", appendOnly: .everysec, pidFile: pidFile,
                lifetime: .independent))
        }
    }

    /// PostgreSQL with its cluster in `<data-dir>/postgres` (initdb on the first start, reused afterwards), user
    /// `gantry` trusted on loopback only; its output in `<data-dir>/postgres.log`.
    static func postgres(dataDirectory: String, preferredPort: Int?, logger: Logger) async throws -> LocalPostgres {
        let cluster = dataDirectory + "/postgres"
        await stopLeftover(pidFile: cluster + "/postmaster.pid", programName: "postgres", signal: SIGINT, logger: logger)
        return try kit(hint: "set GANTRY_DATABASE_URL to use a PostgreSQL of your own") {
            let server = try LocalPostgres(.init(
                cluster: cluster, port: choosePort(preferredPort ?? postgresPort, for: "PostgreSQL", logger: logger),
                logFile: dataDirectory + "/postgres.log", throwaway: false, lifetime: .independent))
            for directory in server.makeReachable() {
                logger.notice("granted the postgres user search permission on \(directory) so it can reach its data directory")
            }
            if server.isInitialized {
                logger.info("reusing the PostgreSQL cluster in \(cluster)")
            } else {
                logger.info("creating a PostgreSQL cluster in \(cluster) (initdb)")
                try server.initialize()
            }
            return server
        }
    }

    /// Stops what an earlier `gantry dev` left running under `pidFile`.
    static func stopLeftover(pidFile: String, programName: String, signal: Int32, logger: Logger) async {
        guard let leftover = LeftoverProcess(pidFile: pidFile, programName: programName) else { return }
        logger.notice("stopping a \(programName) (pid \(leftover.pid)) that an earlier gantry dev left running on this data directory")
        await leftover.stop(with: signal)
    }

    /// `preferred`, or a free port when it is busy (said in a notice).
    static func choosePort(_ preferred: Int, for what: String, logger: Logger) throws -> Int {
        let port = try LoopbackPort.choose(preferred: preferred)
        if port != preferred { logger.notice("port \(preferred) is busy; \(what) listens on \(port)") }
        return port
    }

    private static func kit<T>(hint: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as LocalServerError {
            throw DevError(error, hint: hint)
        }
    }
}
