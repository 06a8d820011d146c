import Foundation
import GantryRedis
import GantryTesting
import Testing

/// The Redis these tests talk to: the shared server of GantryTesting's `TestServers` (`GANTRY_TEST_REDIS_URL`,
/// or one started for the test process), plus dedicated servers for tests that restart or configure one.
enum TestRedis {
    /// Tests run when a server can be had, and also whenever `CI` is set, so that a CI machine
    /// without redis-server fails loudly instead of skipping.
    static var isEnabled: Bool { TestServers.isRedisAvailable }

    /// Dedicated servers need the binary even when a shared URL is given.
    static var canSpawn: Bool { TestServers.canStartRedis }

    /// The shared server's configuration, started on first use.
    static func configuration() async throws -> RedisConfiguration {
        try RedisConfiguration(url: TestServers.redisURL())
    }

    /// A new connection to the shared server.
    static func connect() async throws -> RedisConnection {
        try await RedisConnection.connect(configuration: configuration())
    }

    /// A key prefix unique to one test, so tests can share a server and run in parallel.
    static func uniquePrefix() -> String {
        "gantry-redis-test:\(UUID().uuidString):"
    }

    /// Deletes every key under `prefix`, so a shared server (`GANTRY_TEST_REDIS_URL`) does not fill up.
    static func deleteKeys(prefix: String, on connection: RedisConnection) async throws {
        let script = RedisScript(
            "local keys = redis.call('KEYS', ARGV[1] .. '*') for i = 1, #keys, 1000 do "
                + "redis.call('DEL', unpack(keys, i, math.min(i + 999, #keys))) end return #keys")
        _ = try await connection.run(script, keys: [], arguments: [RedisArgument(prefix)])
    }
}

/// A dedicated redis-server of one test (GantryTesting's `TestRedisServer`, no persistence), which `stop()`
/// kills as a crash would.
struct RedisServerProcess: Sendable {
    let server: TestRedisServer

    var port: Int { server.port }

    var configuration: RedisConfiguration {
        RedisConfiguration(port: port, connectTimeout: .seconds(2), commandTimeout: .seconds(5))
    }

    /// Starts a server on a free port with `extraArguments` and waits until it answers.
    static func start(extraArguments: [String] = []) async throws -> RedisServerProcess {
        RedisServerProcess(server: try TestRedisServer.start(extraArguments: extraArguments))
    }

    /// Kills the server (SIGKILL, as a crash would); returns once it has gone and its port refuses connections.
    func stop() async throws {
        server.kill()
    }

    /// The same server started again, on the same port and directory, as after a restart.
    func restarted() async throws -> RedisServerProcess {
        try server.restart()
        return self
    }
}
