import AsyncHTTPClient
import ArgumentParser
import FoundationEssentials
import Glibc
import GantryCoordinator
import GantryCore
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryRedis
import GantryRedisQueue
import GantryTelemetry
import GantryWorker
import Logging
import ServiceLifecycle
import UnixSignals

/// `gantry worker`: one stateless worker process. Run as many as you like, on any hosts.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: lease jobs from the queues and run them.",
        discussion: """
            SIGTERM or Ctrl-C drains: leasing stops, running jobs get --grace seconds to finish, the rest go
            back to their queues at once, and the process exits 0. A second signal exits at once; leases
            then bring any remaining jobs back within --lease seconds.
            """)

    @OptionGroup var servers: ServerOptions

    @OptionGroup var load: WorkerLoadOptions

    @OptionGroup var metrics: MetricsOptions

    @Option(help: "Most jobs leased in one call.")
    var leaseBatch = 100

    @Option(help: "Lease length in seconds; renewed every third of it while a job runs.")
    var lease: Double = 10

    @Option(help: "Seconds a graceful shutdown waits for running jobs.")
    var grace: Double = 25

    @Option(help: "Job history in PostgreSQL: all (every run), failures (failed runs only) or none.")
    var history: HistoryMode = .all

    @Option(help: "PostgreSQL connections in this worker (effects, results and history).")
    var postgresConnections = 4

    @Option(help: ArgumentHelp("Seconds a dead worker stays listed in `gantry workers`.", visibility: .hidden))
    var registryTTL: Double = 15

    @OptionGroup var log: LogLevelOption

    enum HistoryMode: String, ExpressibleByArgument, CaseIterable { case all, failures, none }

    func run() async throws {
        log.bootstrap()
        let tracing = try ProcessTracing.services(serviceName: "gantry-worker")
        let logger = Logger(label: "gantry.worker")
        // A bad metrics port is a usage error before any server is asked anything.
        _ = try metrics.port()
        let host = ProcessInfo.processInfo.hostName
        let workerID = "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(JobID().description.suffix(6))"
        // Leasing, the blocking wake-up wait, acks, heartbeats and maintenance each want a connection.
        let redisPool = RedisConnectionPool(configuration: try GantryEnvironment.redis(servers.redisURL), size: 6, logger: logger)
        let leaderLock = RedisLeaderLock(pool: redisPool)
        let configuration = WorkerConfiguration(
            queues: try load.weightedQueues(), concurrency: load.runningAtOnce, leaseBatch: leaseBatch, leaseMs: Int64(lease * 1000),
            gracePeriodMs: Int64(grace * 1000), workerID: workerID, registryTTLMs: Int64(registryTTL * 1000),
            // Redis unreachable: do the round (it fails too, and says so in the log).
            coordinatorLeads: { (try? await leaderLock.isHeld()) ?? false })
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("\(error.field.map { "--\($0): " } ?? "")\(error.message)")
        }

        let driver = RedisJobQueueDriver(pool: redisPool, configuration: try GantryEnvironment.queueDriver(), logger: logger)
        var store: (any JobHistoryStore)?
        var pgPool: PostgresConnectionPool?
        var httpClient: LazyHTTPClient?
        var handlers = HandlerRegistry.builtIn
        if history != .none || servers.databaseURL != nil || GantryEnvironment.value("GANTRY_DATABASE_URL") != nil {
            let pg = try GantryEnvironment.postgres(servers.databaseURL)
            let pool = PostgresConnectionPool(configuration: pg, size: max(1, postgresConnections), logger: logger)
            // Made on the first webhook: a worker that sends none starts no event-loop threads.
            let http = LazyHTTPClient()
            httpClient = http
            handlers = try ProductionHandlers.registry(store: GantryStore(pool: pool), httpClient: http, notify: try Self.notify())
            pgPool = pool
            let postgresStore = PostgresJobHistoryStore(pool: pool)
            switch history {
            case .all: store = postgresStore
            case .failures: store = FailuresOnlyHistory(base: postgresStore)
            case .none: store = nil
            }
        }
        // Check the servers before taking any job, so a bad URL fails at start with a clear message.
        try await redisPool.checkReachable()
        try await pgPool?.checkSchema(has: "job_runs")
        for rule in try await GroupLimitRule.applyUnset(try load.groupLimitRules(), to: driver) {
            logger.notice("group limit set from configuration", metadata: [
                "queue": "\(rule.queue)", "group": "\(rule.group ?? GroupLimit.everyGroup)", "concurrency": "\(rule.limit.concurrency.map(String.init) ?? "-")",
                "rate": "\(rule.limit.rate.map(\.description) ?? "-")",
            ])
        }

        // Metrics only with a port: a worker without one makes no registry and starts no listener thread.
        let exposition: MetricsExposition? = try metrics.port() == nil ? nil : MetricsExposition()
        let jobMetrics = exposition.map { JobMetrics(registry: $0.registry, concurrency: configuration.concurrency) }
        let observer: any WorkerObserver = if let jobMetrics { WorkerMetrics(jobs: jobMetrics) } else { NoWorkerObserver() }
        let worker = try Worker(
            configuration: configuration, driver: driver, handlers: handlers, history: store,
            registry: RedisWorkerRegistry(pool: redisPool), observer: observer, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: worker)]
        if let exposition, let jobMetrics, let listener = try metrics.listener(logger: logger, render: { await exposition.render() }) {
            exposition.beforeEachScrape { jobMetrics.setRunning(worker.snapshot.running) }
            services.append(.init(service: listener))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: tracing + services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        let impatience = SecondSignal.exitsAtOnce(logger: logger)
        defer { impatience.cancel() }
        try await group.run()
        await redisPool.close()
        await pgPool?.close()
        try? await httpClient?.shutdown()
    }

    /// notify.send's configuration: the SMTP relay, GANTRY_WEBHOOK_ALLOW (comma-separated CIDR blocks
    /// that webhooks may reach although private, e.g. 10.0.0.0/8 for an on-premise receiver) and
    /// GANTRY_SECRET_KEY / GANTRY_SECRET_KEY_PREVIOUS (the keys of webhook secrets). A malformed
    /// value stops the worker at start; a missing key only fails jobs that must read a secret.
    static func notify() throws -> NotifyConfiguration {
        let allowed: [IPNetwork]
        do {
            allowed = try IPNetwork.list(GantryEnvironment.value("GANTRY_WEBHOOK_ALLOW") ?? "")
        } catch {
            throw ValidationError("GANTRY_WEBHOOK_ALLOW: \(error.message)")
        }
        let keys: SecretKeyRing?
        do {
            keys = try SecretKeyRing.fromEnvironment(
                current: GantryEnvironment.value("GANTRY_SECRET_KEY"),
                previous: GantryEnvironment.value("GANTRY_SECRET_KEY_PREVIOUS"))
        } catch {
            throw ValidationError("\(error.message)")
        }
        return NotifyConfiguration(
            smtp: try smtp(), webhookGuard: WebhookAddressGuard(allowing: allowed), secretKeys: keys)
    }

    /// The SMTP relay for notify.send's e-mail: GANTRY_SMTP_HOST (none: e-mail recipients fail with
    /// that reason), GANTRY_SMTP_PORT (25), GANTRY_SMTP_FROM, GANTRY_SMTP_USER and GANTRY_SMTP_PASSWORD.
    /// STARTTLS is used whenever the relay offers it.
    static func smtp() throws -> SMTPConfiguration? {
        guard let host = GantryEnvironment.value("GANTRY_SMTP_HOST"), !host.isEmpty else { return nil }
        let portText = GantryEnvironment.value("GANTRY_SMTP_PORT") ?? "25"
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw ValidationError("GANTRY_SMTP_PORT: '\(portText)' is not a port number")
        }
        guard let from = GantryEnvironment.value("GANTRY_SMTP_FROM"), from.contains("@") else {
            throw ValidationError("GANTRY_SMTP_FROM: the sender address is required when GANTRY_SMTP_HOST is set")
        }
        let credentials = GantryEnvironment.value("GANTRY_SMTP_USER").map {
            SMTPConfiguration.Credentials(username: $0, password: GantryEnvironment.value("GANTRY_SMTP_PASSWORD") ?? "")
        }
        return SMTPConfiguration(host: host, port: port, from: from, credentials: credentials)
    }
}

/// Keeps the history of failed runs only; successes still store their results.
struct FailuresOnlyHistory: JobHistoryStore {
    let base: any JobHistoryStore
    func record(_ runs: [JobRunRecord]) async throws {
        try await base.record(runs.filter { $0.outcome != .succeeded || $0.result != nil })
    }
}

/// The first SIGTERM or SIGINT drains gracefully (ServiceGroup); a second one means "now":
/// exit at once and let the leases bring the remaining jobs back.
enum SecondSignal {
    static func exitsAtOnce(logger: Logger) -> Task<Void, Never> {
        Task {
            var seen = 0
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                seen += 1
                if seen >= 2 {
                    logger.warning("second \(signal): exiting at once; leases will return unfinished jobs")
                    exit(130)
                }
            }
        }
    }
}
