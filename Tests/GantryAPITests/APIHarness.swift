import Foundation
import GantryAPI
import GantryCore
import GantryKinds
import GantryPostgres
import GantryPostgresStore
import GantryRedis
import GantryRedisQueue
import GantryTesting
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// One API on real servers for one test: a private PostgreSQL database (migrated), a private Redis
/// key prefix, and a token per scope set. `run` serves it on a live port through Hummingbird's client.
struct APIHarness {
    let redisPool: RedisConnectionPool
    let pgPool: PostgresConnectionPool
    let driver: RedisJobQueueDriver
    let tokens: APITokenRepository
    var configuration = APIConfiguration(port: 0)
    let admin: String
    let submit: String
    let read: String
    let all: String

    static func make(_ name: String) async throws -> APIHarness {
        let unique = TestServers.uniquePrefix(name).lowercased()
        let admin = try await PostgresConnection.connect(configuration: try PostgresConfiguration(url: try TestServers.databaseURL()))
        try await admin.execute(unsafeSQL: "CREATE DATABASE \(unique)")
        admin.close()
        var pg = try PostgresConfiguration(url: try TestServers.databaseURL())
        pg.database = unique
        let pgPool = PostgresConnectionPool(configuration: pg, size: 4)
        try await pgPool.withConnection { _ = try await GantryMigrator.migrate($0, logger: Logger(label: "test")) }
        let redisPool = RedisConnectionPool(configuration: try RedisConfiguration(url: try TestServers.redisURL()), size: 4)
        var driverConfiguration = RedisJobQueueDriver.Configuration()
        driverConfiguration.keyPrefix = unique
        let driver = RedisJobQueueDriver(pool: redisPool, configuration: driverConfiguration)
        let tokens = APITokenRepository(pool: pgPool)
        return APIHarness(
            redisPool: redisPool, pgPool: pgPool, driver: driver, tokens: tokens,
            admin: try await tokens.create(name: "admin", scopes: [.admin]).secret.value,
            submit: try await tokens.create(name: "submit", scopes: [.submit]).secret.value,
            read: try await tokens.create(name: "read", scopes: [.read]).secret.value,
            all: try await tokens.create(name: "all", scopes: [.submit, .read, .admin]).secret.value)
    }

    var dependencies: APIDependencies {
        APIDependencies(
            queue: JobQueue(driver: driver, registry: GantryKinds.registry), tokens: tokens,
            results: JobResultRepository(pool: pgPool), workers: RedisWorkerRegistry(pool: redisPool, keyPrefix: driver.configuration.keyPrefix),
            projects: ProjectRepository(pool: pgPool), clients: ClientRepository(pool: pgPool),
            estimates: EstimateRepository(pool: pgPool), imports: MigrationImportRepository(pool: pgPool),
            reports: ReportRepository(pool: pgPool),
            readiness: [
                ReadinessProbe(name: "redis") { [redisPool] in _ = try await redisPool.send(["PING"]) },
                ReadinessProbe(name: "postgres") { [pgPool] in try await pgPool.query("SELECT 1") },
            ])
    }

    /// Serves the API on a live loopback port for `body`, then closes the pools.
    func run<T: Sendable>(_ body: @Sendable (APIClient) async throws -> T) async throws -> T {
        let app = try GantryAPI.buildApplication(configuration: configuration, dependencies: dependencies)
        defer {
            let r = redisPool
            let p = pgPool
            Task { await r.close(); await p.close() }
        }
        return try await app.test(.live) { client in try await body(APIClient(client: client)) }
    }
}

/// Hummingbird's test client with the API's habits: JSON bodies, bearer tokens, error bodies.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    struct Answer: Sendable {
        var status: Int
        var headers: HTTPFields
        var body: Data
        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var object: [String: Any] { (json as? [String: Any]) ?? [:] }
        var error: [String: Any] { (object["error"] as? [String: Any]) ?? [:] }
        var errorCode: String? { error["code"] as? String }
        var errorField: String? { error["field"] as? String }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func call(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil,
        body: String? = nil, contentType: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        let payload = json ?? body
        if json != nil { headers[.contentType] = contentType ?? "application/json" } else if let contentType { headers[.contentType] = contentType }
        return try await client.execute(
            uri: uri, method: method, headers: headers, body: payload.map { ByteBuffer(string: $0) }
        ) { response in
            Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: response.body))
        }
    }
}
