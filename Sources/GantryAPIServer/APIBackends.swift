import GantryAPI
import GantryCore
import GantryDelivery
import GantryJobs
import GantryKinds
import GantryPostgres
import GantryPostgresStore
import GantryRedis
import GantryRedisQueue
import Logging

/// The API's production backends: one Redis pool (the queue driver and the worker registry) and one PostgreSQL
/// pool (the repositories and GantryJobs' import planner). `gantry api`, `gantry bench api` and the API tests
/// all wire the API this one way, so what the tests serve is what production serves.
public struct APIBackends: Sendable {
    public let redisPool: RedisConnectionPool
    public let driver: RedisJobQueueDriver
    public let pgPool: PostgresConnectionPool
    /// Rows per `migration.batch` job of an uploaded import.
    public var importBatchSize: Int
    /// Seals the webhook secrets of endpoints added through the API (`GANTRY_SECRET_KEY`, the workers'
    /// key); nil: only e-mail endpoints can be added.
    public var secretKeys: SecretKeyRing?

    public init(
        redisPool: RedisConnectionPool, driver: RedisJobQueueDriver, pgPool: PostgresConnectionPool,
        importBatchSize: Int = ImportRequest.defaultBatchSize, secretKeys: SecretKeyRing? = nil
    ) {
        self.redisPool = redisPool
        self.driver = driver
        self.pgPool = pgPool
        self.importBatchSize = importBatchSize
        self.secretKeys = secretKeys
    }

    /// Everything the API talks to, over these pools; workers are read under the driver's key prefix.
    public func dependencies(logger: Logger) -> APIDependencies {
        let redisPool = redisPool
        let pgPool = pgPool
        var dependencies = APIDependencies(
            queue: JobQueue(driver: driver, registry: GantryKinds.registry), tokens: APITokenRepository(pool: pgPool))
        dependencies.logger = logger
        dependencies.readiness = [
            ReadinessProbe(name: "redis") { _ = try await redisPool.send(["PING"]) },
            ReadinessProbe(name: "postgres") { try await pgPool.query("SELECT 1") },
        ]
        dependencies.workers = RedisWorkerRegistry(pool: redisPool, keyPrefix: driver.configuration.keyPrefix)
        dependencies.results = JobResultRepository(pool: pgPool)
        dependencies.projects = ProjectRepository(pool: pgPool)
        dependencies.clients = ClientRepository(pool: pgPool)
        dependencies.estimates = EstimateRepository(pool: pgPool)
        dependencies.imports = MigrationImportRepository(pool: pgPool)
        dependencies.importPlanner = ImportPlannerAdapter(importer: MigrationImporter(store: GantryStore(pool: pgPool)), batchSize: importBatchSize)
        dependencies.reports = ReportRepository(pool: pgPool)
        dependencies.endpoints = NotificationEndpointRepository(pool: pgPool, sealer: secretKeys)
        dependencies.endpointRules = Self.endpointRules
        dependencies.portfolio = PortfolioQuery(pool: pgPool)
        dependencies.progress = ProgressRepository(pool: pgPool)
        dependencies.projectEvents = ProjectEventRepository(pool: pgPool)
        dependencies.followUps = FollowUpRepository(pool: pgPool)
        dependencies.schedules = ScheduleRepository(pool: pgPool)
        dependencies.baselines = BaselineRepository(pool: pgPool)
        dependencies.projectSettings = ProjectSettingsRepository(pool: pgPool)
        return dependencies
    }

    /// GantryDelivery's rules for what endpoints hold: the addresses `notify.send` can mail and the
    /// Standard Webhooks secret format.
    static let endpointRules = EndpointRules(
        isValidEmail: { EmailAddress.isValid($0) },
        secretProblem: { text in
            do {
                _ = try WebhookSecret(text)
                return nil
            } catch let error as WebhookSignatureError {
                return error.message
            } catch {
                return "\(error)"
            }
        },
        newSecret: { WebhookSecret.generate().text })

    /// Closes both pools.
    public func close() async {
        await redisPool.close()
        await pgPool.close()
    }
}
