import ArgumentParser
import FoundationEssentials
import GantryCore
import GantryPostgres
import GantryRedis
import GantryRedisQueue
import Logging

/// What every benchmark stands on: the servers of `ServerOptions`, each checked before anything is timed (a bad
/// URL or an unmigrated database fails at once, with a hint, instead of half-way through a run), a logger that
/// keeps to warnings so it never competes with the figures, and its own queues and key prefix.
struct BenchServers: Sendable {
    /// The Redis key prefix of the benchmarks' queues, apart from any real cluster's `gantry:`.
    static let keyPrefix = "gantry-bench"

    let logger: Logger

    init(label: String = "gantry.bench") {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        self.logger = logger
    }

    /// A pool on `configuration` that has answered a PING.
    func redisPool(_ configuration: RedisConfiguration, size: Int) async throws -> RedisConnectionPool {
        let pool = RedisConnectionPool(configuration: configuration, size: size, logger: logger)
        do {
            try await pool.checkReachable()
        } catch {
            await pool.close()
            throw error
        }
        return pool
    }

    /// A pool on `configuration` whose database has Gantry's schema (`table` exists).
    func postgresPool(_ configuration: PostgresConfiguration, size: Int, requiring table: String) async throws
        -> PostgresConnectionPool
    {
        let pool = PostgresConnectionPool(configuration: configuration, size: size, logger: logger)
        do {
            try await pool.checkSchema(has: table)
        } catch {
            await pool.close()
            throw error
        }
        return pool
    }

    /// The Redis driver on `pool`, its keys under `keyPrefix`.
    func driver(_ pool: RedisConnectionPool, configuration: RedisJobQueueDriver.Configuration = .init()) -> RedisJobQueueDriver {
        var configuration = configuration
        configuration.keyPrefix = Self.keyPrefix
        return RedisJobQueueDriver(pool: pool, configuration: configuration, logger: logger)
    }

    /// A queue of this process alone (`bench-<purpose>-<pid>`), so two benchmarks never share one.
    static func queueName(_ purpose: String?) throws -> QueueName {
        try QueueName(["bench", purpose, String(ProcessInfo.processInfo.processIdentifier)].compactMap { $0 }.joined(separator: "-"))
    }

    /// Unlinks every key of a benchmark's queue (`gantry-bench:{queue}:…`).
    static func cleanUp(_ pool: RedisConnectionPool, queue: QueueName) async throws {
        let pattern = RedisArgument("\(keyPrefix):{\(queue.rawValue)}:*")
        var cursor = "0"
        repeat {
            let reply = try await pool.send(["SCAN", RedisArgument(cursor), "MATCH", pattern, "COUNT", "1000"])
            guard let parts = reply.array, parts.count == 2 else { return }
            cursor = parts[0].string ?? "0"
            let keys = parts[1].array?.compactMap(\.bytes) ?? []
            if !keys.isEmpty { _ = try await pool.send([RedisArgument("UNLINK")] + keys.map(RedisArgument.init)) }
        } while cursor != "0"
    }

    /// What `body` returned and the seconds it took.
    static func timed<T>(_ body: () async throws -> T) async rethrows -> (value: T, seconds: Double) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, (ContinuousClock.now - start).seconds)
    }

    /// The seconds `body` took.
    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        try await timed(body).seconds
    }
}
