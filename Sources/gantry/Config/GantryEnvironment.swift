import ArgumentParser
import FoundationEssentials
import Glibc
import GantryCore
import GantryPostgres
import GantryRedis
import GantryRedisQueue

/// The executable's one reader of `GANTRY_*` variables: libraries take validated configuration.
struct GantryEnvironment {
    static func value(_ name: String) -> String? {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { return nil }
        return v
    }

    /// `--redis-url`, else `GANTRY_REDIS_URL`, else the Redis of a local `gantry dev` (the `redis-url` file it
    /// wrote in `devDirectory` or the nearest `.gantry` folder, else its default port 6390, not 6379: on a machine
    /// with a system Redis, 6379 would answer with an empty cluster). The URL as given, for child processes (it
    /// may hold a password: never print it).
    static func redisURL(_ flag: String?, devDirectory: String? = nil) -> String {
        flag ?? value("GANTRY_REDIS_URL") ?? APIEnvironment.devFile("redis-url", in: devDirectory) ?? APIEnvironment.devRedisURL
    }

    static func redis(_ flag: String?, devDirectory: String? = nil) throws(CLIError) -> RedisConfiguration {
        try parse(redisURL(flag, devDirectory: devDirectory), "GANTRY_REDIS_URL / --redis-url", RedisConfiguration.init(url:))
    }

    /// `--database-url`, else `GANTRY_DATABASE_URL`, else the database of a local `gantry dev` (its
    /// `database-url` file, else its default port 5440).
    static func postgres(_ flag: String?, devDirectory: String? = nil) throws(CLIError) -> PostgresConfiguration {
        let url = flag ?? value("GANTRY_DATABASE_URL") ?? APIEnvironment.devFile("database-url", in: devDirectory)
            ?? APIEnvironment.devDatabaseURL
        return try parse(url, "GANTRY_DATABASE_URL / --database-url", PostgresConfiguration.init(url:))
    }

    /// A server's configuration from its URL; a URL that does not parse is a usage error naming where it came from.
    private static func parse<C>(_ url: String, _ source: String, _ make: (String) throws -> C) throws(CLIError) -> C {
        do {
            return try make(url)
        } catch {
            throw CLIError(.usage, "\(source): \(error)")
        }
    }

    /// The queue driver's settings: the dead letter's retention from `GANTRY_DEAD_MAX_JOBS`
    /// (default 10,000) and `GANTRY_DEAD_MAX_DAYS` (default 180).
    static func queueDriver() throws -> RedisJobQueueDriver.Configuration {
        var configuration = RedisJobQueueDriver.Configuration()
        func positive(_ name: String, limit: Int) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let n = Int(text), (1...limit).contains(n) else {
                throw ValidationError("\(name)=\(text): expected a whole number from 1 to \(limit)")
            }
            return n
        }
        if let jobs = try positive("GANTRY_DEAD_MAX_JOBS", limit: 100_000_000) { configuration.deadLetter.maxJobs = jobs }
        if let days = try positive("GANTRY_DEAD_MAX_DAYS", limit: 3_660) {
            configuration.deadLetter.maxAgeMs = Int64(days) * 24 * 3_600_000
        }
        return configuration
    }
}

/// Connection flags shared by the subcommands that talk to the servers.
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("redis-url"), help: "Redis URL (default: GANTRY_REDIS_URL, then the local gantry dev's Redis).")
    var redisURL: String?

    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (default: GANTRY_DATABASE_URL, then the local gantry dev's).")
    var databaseURL: String?
}
