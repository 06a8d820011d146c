import FoundationEssentials
import GantryCore
import GantryPostgres
import GantryRedis
import Glibc

/// The machine and servers a `gantry bench` ran on, printed beside its figures: absolute figures differ between
/// machines several times over, so a table means nothing without it.
struct BenchMachine: Sendable {
    var cores: Int
    var cpuModel: String
    var memoryGB: Double
    var kernel: String
    var redisVersion: String
    var postgresVersion: String
    var servers: String
    var gantryVersion: String
    /// The commit the binary was built from, when whoever ran it said (`GANTRY_COMMIT`, set by `ops/bench`).
    var gantryCommit: String?
    var date: String

    /// This machine, and the versions the servers report (`unknown` when one does not answer).
    static func describe(_ servers: BenchSuiteServers) async -> BenchMachine {
        let bench = BenchServers(label: "gantry.bench.machine")
        var redisVersion = "unknown"
        if let configuration = try? RedisConfiguration(url: servers.redisURL),
            let pool = try? await bench.redisPool(configuration, size: 1)
        {
            if let info = try? await pool.send(["INFO", "server"]).string {
                redisVersion = Text.field("redis_version", in: info) ?? redisVersion
            }
            await pool.close()
        }
        var postgresVersion = "unknown"
        if let configuration = try? PostgresConfiguration(url: servers.databaseURL) {
            let pool = PostgresConnectionPool(configuration: configuration, size: 1, logger: bench.logger)
            if let result = try? await pool.query("SHOW server_version"), let row = result.rows.first,
                let version = try? row.decode(0, as: String.self)
            {
                postgresVersion = version
            }
            await pool.close()
        }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memoryKB = Text.field("MemTotal", in: meminfo).flatMap { Double($0.split(separator: " ").first ?? "") } ?? 0
        return BenchMachine(
            cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            cpuModel: Text.field("model name", in: cpuinfo) ?? "unknown",
            memoryGB: (memoryKB / 1_048_576 * 10).rounded() / 10,
            kernel: ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "unknown").trimmed,
            redisVersion: redisVersion, postgresVersion: postgresVersion, servers: servers.origin,
            gantryVersion: Gantry.configuration.version, gantryCommit: GantryEnvironment.value("GANTRY_COMMIT"),
            date: Date().formatted(.iso8601))
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "cores": .integer(Int64(cores)), "cpu_model": .string(cpuModel), "memory_gb": .number(memoryGB),
            "kernel": .string(kernel), "redis_version": .string(redisVersion), "postgres_version": .string(postgresVersion),
            "servers": .string(servers), "gantry_version": .string(gantryVersion), "date": .string(date),
        ]
        if let gantryCommit { object["gantry_commit"] = .string(gantryCommit) }
        return .object(object)
    }

    /// One line for a person: `2 cores (AMD EPYC 7B13), 23.5 GB, Linux 6.1.0; Redis 7.0.15, PostgreSQL 15.14 (embedded); …`
    var summary: String {
        "\(cores) cores (\(cpuModel)), \(Text.format("%.1f", memoryGB)) GB, Linux \(kernel); Redis \(redisVersion), "
            + "PostgreSQL \(postgresVersion), \(servers); gantry \(gantryVersion)\(gantryCommit.map { " (\($0))" } ?? ""); \(date)"
    }

    /// The value after `name` and `separator` on the first line that starts with `name` (/proc files, INFO replies).
}
