import ArgumentParser
import FoundationEssentials
import GantryCoordinator
import GantryDomain
import GantryCore
import GantryKinds
import GantryPostgres
import GantryPostgresStore
import GantryRedis
import GantryRedisQueue
import GantryTelemetry
import Logging
import ServiceLifecycle

/// `gantry coordinator`: run two or more; exactly one leads (a Redis lock with a fencing token),
/// and while it leads it does the queue's housekeeping, fires the schedules, runs the follow-up
/// chains of project events and reviews which projects are at risk.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run a coordinator: leader election, follow-up chains, risk review, queue housekeeping and cron schedules.",
        discussion: """
            Run two or more against one Redis and PostgreSQL: one leads, the others wait, and one of them \
            takes over within a few seconds of the leader's death (its lock expires after 3 s). Every write \
            the leader makes to PostgreSQL carries its fencing token, so a leader that was paused past its \
            lock cannot act once another has. At start it creates the built-in schedules that are missing and \
            upserts those of --schedules FILE (JSON or YAML). SIGTERM or Ctrl-C stops leading and releases the \
            lock, so another coordinator takes over at once.
            """)

    @OptionGroup var servers: ServerOptions

    @OptionGroup var metrics: MetricsOptions

    @Option(help: ArgumentHelp("Schedules to declare at start: a JSON or YAML file.", valueName: "file"))
    var schedules: String?

    @Option(help: "This coordinator's ID in the leader lock and the fence (default: host-pid-random).")
    var id: String?

    @Option(help: ArgumentHelp("Seconds the leader lock lasts without renewal.", visibility: .hidden))
    var lockTTL: Double = 3

    @Option(help: "A project whose P80 finish slipped by more than this many working days across its last 5 forecasts is at risk.")
    var forecastSlipDays = ForecastSlipRule.standard.thresholdWorkingDays

    @OptionGroup var log: LogLevelOption

    func run() async throws {
        log.bootstrap()
        let tracing = try ProcessTracing.services(serviceName: "gantry-coordinator")
        var logger = Logger(label: "gantry.coordinator")
        _ = try metrics.port()
        guard lockTTL >= 1, lockTTL <= 60 else { throw ValidationError("--lock-ttl must be 1-60 seconds") }
        let host = ProcessInfo.processInfo.hostName
        let coordinatorID = id ?? "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(JobID().description.suffix(6))"
        guard !coordinatorID.isEmpty, coordinatorID.utf8.count <= 200, !coordinatorID.contains(":") else {
            throw ValidationError("--id must be 1-200 characters without ':'")
        }
        logger[metadataKey: "coordinator"] = "\(coordinatorID)"
        let registry = GantryKinds.registry
        // Read the file before connecting: a bad file is a usage error, whatever the servers say.
        let declared: [ScheduleDefinition]
        do {
            declared = try schedules.map { try ScheduleFile.load(path: $0, registry: registry) } ?? []
        } catch {
            throw ValidationError("--schedules \(error)")
        }

        let redisPool = RedisConnectionPool(configuration: try GantryEnvironment.redis(servers.redisURL), size: 4, logger: logger)
        let pgPool = PostgresConnectionPool(configuration: try GantryEnvironment.postgres(servers.databaseURL), size: 4, logger: logger)
        try await redisPool.checkReachable()
        try await pgPool.checkSchema(has: "schedules")
        let store = GantryStore(pool: pgPool)
        for definition in DefaultSchedules.all {
            if try await store.schedules.createIfAbsent(definition, registry: registry) {
                logger.info("created a default schedule", metadata: ["schedule": "\(definition.name)", "cron": "\(definition.cron)"])
            }
        }
        for definition in declared {
            try await store.schedules.upsert(definition, source: .file, registry: registry)
        }
        if !declared.isEmpty { logger.info("declared the schedules of the file", metadata: ["schedules": "\(declared.count)"]) }

        let driver = RedisJobQueueDriver(pool: redisPool, configuration: try GantryEnvironment.queueDriver(), logger: logger)
        let coordinatorMetrics = CoordinatorMetrics()
        coordinatorMetrics.refreshOnScrape(driver: driver, store: store)
        let listener = try metrics.listener(logger: logger) { await coordinatorMetrics.exposition.render() }
        let ttl = Duration.milliseconds(Int64(lockTTL * 1000))
        let elector = LeaderElector(
            coordinatorID: coordinatorID, lock: RedisLeaderLock(pool: redisPool),
            configuration: .init(ttl: ttl, renewInterval: ttl / 3, margin: ttl / 4, retryInterval: ttl / 6), logger: logger)
        guard forecastSlipDays >= 0 else { throw ValidationError("--forecast-slip-days must be 0 or more") }
        let slipRule = ForecastSlipRule(thresholdWorkingDays: forecastSlipDays, window: ForecastSlipRule.standard.window)
        let coordinator = Coordinator(
            elector: elector,
            duties: Coordinator.standardDuties(
                driver: driver, store: store, kinds: registry, metrics: coordinatorMetrics, slipRule: slipRule, logger: logger),
            metrics: coordinatorMetrics, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: coordinator)]
        if let listener { services.append(.init(service: listener)) }
        let group = ServiceGroup(
            configuration: .init(services: tracing + services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await redisPool.close()
        await pgPool.close()
    }
}
