import ArgumentParser
import FoundationEssentials
import Glibc
import GantryPostgres
import GantryRedis

/// The executable's one reader of `GANTRY_*` variables: libraries take validated configuration.
struct GantryEnvironment {
    static func value(_ name: String) -> String? {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { return nil }
        return v
    }

    /// `--redis-url`, else `GANTRY_REDIS_URL`, else the local default; a bad URL is a usage error.
    /// The Redis URL as given, for child processes (it may hold a password: never print it).
    static func redisURL(_ flag: String?) -> String { flag ?? value("GANTRY_REDIS_URL") ?? "redis://127.0.0.1:6379/0" }

    static func redis(_ flag: String?) throws -> RedisConfiguration {
        let url = redisURL(flag)
        do {
            return try RedisConfiguration(url: url)
        } catch {
            throw ValidationError("GANTRY_REDIS_URL / --redis-url: \(error)")
        }
    }

    static func postgres(_ flag: String?) throws -> PostgresConfiguration {
        guard let url = flag ?? value("GANTRY_DATABASE_URL") else {
            throw ValidationError("no database: set GANTRY_DATABASE_URL or pass --database-url (postgres://user@host:port/db)")
        }
        do {
            return try PostgresConfiguration(url: url)
        } catch {
            throw ValidationError("GANTRY_DATABASE_URL / --database-url: \(error)")
        }
    }
}

/// Connection flags shared by the subcommands that talk to the servers.
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("redis-url"), help: "Redis URL (default: GANTRY_REDIS_URL, then redis://127.0.0.1:6379/0).")
    var redisURL: String?

    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (default: GANTRY_DATABASE_URL).")
    var databaseURL: String?
}
