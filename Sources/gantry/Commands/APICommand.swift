import ArgumentParser
import FoundationEssentials
import GantryAPI
import GantryCore
import GantryJobs
import GantryKinds
import GantryPostgres
import GantryPostgresStore
import GantryRedis
import GantryRedisQueue
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `gantry api`: the producer HTTP API. Stateless: run as many behind a load balancer as you like.
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Serve the producer HTTP API (OpenAPI document at /v1/openapi.json).",
        discussion: """
            Every route but /healthz, /readyz and /metrics needs a bearer token (gantry tokens create).
            GANTRY_API_RATE_LIMIT sets each token's requests per second (default 50000; 0: no limit).
            SIGTERM or Ctrl-C stops accepting connections and finishes the requests in flight.
            """)

    @OptionGroup var servers: ServerOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Seconds a token check is cached: a revoked token stops working within this time.")
    var tokenCacheTTL: Double = 10

    @Option(help: "Redis connections (concurrent enqueues are coalesced, so few are needed).")
    var redisConnections = 8

    @Option(help: "PostgreSQL connections.")
    var postgresConnections = 8

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "gantry.api")
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1-65535") }
        guard tokenCacheTTL >= 0, tokenCacheTTL <= 3_600 else { throw ValidationError("--token-cache-ttl must be 0-3600 seconds") }
        var rateLimit: RateLimit? = RateLimit(perSecond: 50_000, burst: 100_000)
        if let text = GantryEnvironment.value("GANTRY_API_RATE_LIMIT") {
            guard let n = Double(text), n >= 0, n.isFinite else {
                throw ValidationError("GANTRY_API_RATE_LIMIT=\(text): expected requests per second (0: no limit)")
            }
            rateLimit = n == 0 ? nil : RateLimit(perSecond: n, burst: max(1, n * 2))
        }

        let redis = try GantryEnvironment.redis(servers.redisURL)
        let redisPool = RedisConnectionPool(configuration: redis, size: max(1, redisConnections), logger: logger)
        let driver = RedisJobQueueDriver(pool: redisPool, configuration: try GantryEnvironment.queueDriver(), logger: logger)
        let pg = try GantryEnvironment.postgres(servers.databaseURL)
        let pgPool = PostgresConnectionPool(configuration: pg, size: max(1, postgresConnections), logger: logger)
        do {
            _ = try await redisPool.send(["PING"])
        } catch {
            throw ValidationError("cannot reach Redis at \(redis): \(error)")
        }
        do {
            try await pgPool.query("SELECT 1 FROM api_tokens LIMIT 0")
        } catch {
            throw ValidationError("cannot use PostgreSQL at \(pg) (did you run `gantry migrate`?): \(error)")
        }

        let dependencies = Self.dependencies(redisPool: redisPool, driver: driver, pgPool: pgPool, logger: logger)
        let configuration = APIConfiguration(
            host: host, port: port, tokenCacheTTL: .milliseconds(Int64(tokenCacheTTL * 1000)), rateLimit: rateLimit)
        let app = try GantryAPI.buildApplication(configuration: configuration, dependencies: dependencies)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await redisPool.close()
        await pgPool.close()
    }

    /// The API's dependencies over one Redis pool and one PostgreSQL pool (also what `gantry bench
    /// api` serves with).
    static func dependencies(
        redisPool: RedisConnectionPool, driver: RedisJobQueueDriver, pgPool: PostgresConnectionPool, logger: Logger
    ) -> APIDependencies {
        APIDependencies(
            queue: JobQueue(driver: driver, registry: GantryKinds.registry), tokens: APITokenRepository(pool: pgPool),
            results: JobResultRepository(pool: pgPool), workers: RedisWorkerRegistry(pool: redisPool),
            projects: ProjectRepository(pool: pgPool), clients: ClientRepository(pool: pgPool),
            estimates: EstimateRepository(pool: pgPool), imports: MigrationImportRepository(pool: pgPool),
            importPlanner: ImportPlannerAdapter(importer: MigrationImporter(store: GantryStore(pool: pgPool))),
            reports: ReportRepository(pool: pgPool),
            readiness: [
                ReadinessProbe(name: "redis") { _ = try await redisPool.send(["PING"]) },
                ReadinessProbe(name: "postgres") { try await pgPool.query("SELECT 1") },
            ],
            metrics: PrometheusCollectorRegistry(), logger: logger)
    }
}

/// GantryJobs' planner behind the API's `ImportPlanning` seam (the API does not link the handlers).
struct ImportPlannerAdapter: ImportPlanning {
    let importer: MigrationImporter

    func plan(_ request: ImportPlanRequest) async throws -> ImportPlan {
        do {
            let started = try await importer.start(
                ImportRequest(
                    projectID: request.projectID, entity: request.entity, profile: request.profile,
                    sourceName: request.sourceName, csv: request.csv))
            return ImportPlan(importID: started.importID, jobs: started.jobs)
        } catch let error as DataImportError {
            if error.code == .invalidRequest, error.message.hasPrefix("no project") {
                throw APIError(404, "not_found", error.message, field: "project_id")
            }
            throw APIError(422, "invalid_import", error.message, field: "body")
        }
    }
}
