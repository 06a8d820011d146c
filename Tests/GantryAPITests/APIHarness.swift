import Foundation
import GantryAPI
import GantryAPIServer
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

    /// Makes a harness named `name` and serves its API for `body`: what most tests need, in one call.
    static func serve<T: Sendable>(_ name: String, _ body: @Sendable (APIHarness, APIClient) async throws -> T) async throws -> T {
        let h = try await make(name)
        return try await h.run { api in try await body(h, api) }
    }

    /// The API wired as `gantry api` wires it, with import batches of two rows (a five-row file makes three jobs).
    var dependencies: APIDependencies {
        APIBackends(redisPool: redisPool, driver: driver, pgPool: pgPool, importBatchSize: 2)
            .dependencies(logger: Logger(label: "gantry.api"))
    }

    /// Serves the API on a live loopback port for `body`, then closes the pools.
    func run<T: Sendable>(_ body: @Sendable (APIClient) async throws -> T) async throws -> T {
        try await run(dependencies, body)
    }

    /// Serves the API with `dependencies` (the harness's, changed) for `body`, then closes the pools.
    func run<T: Sendable>(_ dependencies: APIDependencies, _ body: @Sendable (APIClient) async throws -> T) async throws -> T {
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
