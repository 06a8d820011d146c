import ArgumentParser
import GantryAPIServer
import GantryJobs
import GantryPostgres
import GantryRedis
import GantryRedisQueue
import Logging

extension APIBackends {
    /// The API's pools on the servers `servers` names (flags, then `GANTRY_*`, then a local `gantry dev`), both
    /// checked before anything is served; `keyPrefix` sets the queue driver's (a benchmark's own), else the
    /// cluster's from the environment.
    static func open(
        _ servers: ServerOptions, redisConnections: Int, postgresConnections: Int, keyPrefix: String? = nil, logger: Logger
    ) async throws -> APIBackends {
        // The workers' keys: a webhook added through the API is sealed under the key they open it with.
        let secretKeys: SecretKeyRing?
        do {
            secretKeys = try SecretKeyRing.fromEnvironment(
                current: GantryEnvironment.value("GANTRY_SECRET_KEY"),
                previous: GantryEnvironment.value("GANTRY_SECRET_KEY_PREVIOUS"))
        } catch {
            throw ValidationError("\(error.message)")
        }
        let redisPool = RedisConnectionPool(
            configuration: try GantryEnvironment.redis(servers.redisURL), size: max(1, redisConnections), logger: logger)
        let pgPool = PostgresConnectionPool(
            configuration: try GantryEnvironment.postgres(servers.databaseURL), size: max(1, postgresConnections), logger: logger)
        var driverConfiguration = try GantryEnvironment.queueDriver()
        if let keyPrefix { driverConfiguration.keyPrefix = keyPrefix }
        let backends = APIBackends(
            redisPool: redisPool, driver: RedisJobQueueDriver(pool: redisPool, configuration: driverConfiguration, logger: logger),
            pgPool: pgPool, secretKeys: secretKeys)
        do {
            try await redisPool.checkReachable()
            try await pgPool.checkSchema(has: "api_tokens")
        } catch {
            await backends.close()
            throw error
        }
        return backends
    }
}
