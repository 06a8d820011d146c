import ArgumentParser
import FoundationEssentials
import GantryLocalServers
import Glibc
import GantryWorker
import Logging
import ServiceLifecycle

/// `gantry dev`: Gantry on one machine with one command. Starts its own redis-server and PostgreSQL in the data
/// directory unless GANTRY_REDIS_URL / GANTRY_DATABASE_URL point elsewhere, migrates, prints the addresses and runs
/// until SIGTERM or Ctrl-C, then stops what it started. Each part is a service of one ServiceGroup; `--workers N`
/// `gantry worker` children join it after the migrations and are restarted when they die.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run Gantry locally, with its own Redis and PostgreSQL.",
        discussion: """
            Without GANTRY_REDIS_URL, starts redis-server (append-only file, fsync every second) with its data in \
            DIR/redis; without GANTRY_DATABASE_URL, starts PostgreSQL with its cluster in DIR/postgres (initdb on \
            the first start). Then applies the migrations, makes an admin API token on the first start \
            (DIR/admin-token, mode 0600), starts `gantry api` on 127.0.0.1 (DIR/api-url says where), a \
            `gantry coordinator` and --workers `gantry worker` processes against those servers (restarting one that dies), prints the addresses and \
            the next commands to try, and runs until SIGTERM or Ctrl-C, which stop the API and the workers \
            (SIGTERM, then SIGKILL after \(WorkerPlan.grace + 2) s) and then the servers it started. Output goes to \
            DIR/redis.log, DIR/postgres.log, DIR/api.log, DIR/coordinator.log and DIR/worker-N.log.
            """
    )

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Where the embedded servers keep their data.", valueName: "DIR"))
    var dataDirectory = ".gantry"

    @Option(name: .customLong("redis-port"), help: "Port of the embedded Redis (default 6390; another when busy).")
    var redisPort: Int?

    @Option(name: .customLong("postgres-port"), help: "Port of the embedded PostgreSQL (default 5440; another when busy).")
    var postgresPort: Int?

    @Option(name: .customLong("api-port"), help: "Port of `gantry api` on 127.0.0.1 (default 8080; another when busy).")
    var apiPort: Int?

    @Option(help: "How many `gantry worker` processes to run (0 for none).")
    var workers = 2

    @Option(help: "The workers' queues and weights.")
    var queues = "critical=6,default=3,reports=1"

    @Flag(help: "Seed a demo portfolio on the first start (client projects in every phase, stakeholder webhooks on a local receiver, legacy CRM exports being imported) and keep work flowing while it runs.")
    var demo = false

    @Option(help: ArgumentHelp("Projects the demo seeds.", valueName: "N"))
    var demoProjects = 200

    func validate() throws {
        guard (0...64).contains(workers) else { throw ValidationError("--workers must be 0...64") }
        guard (1...5_000).contains(demoProjects) else { throw ValidationError("--demo-projects must be 1...5000") }
        // Checked here, so a typo fails at once instead of in a worker that then dies and restarts forever.
        do {
            _ = try WorkerConfiguration.parseQueues(queues)
        } catch {
            throw ValidationError("--queues: \(error.message)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "gantry.dev")
        logger.logLevel = .info
        let dataDirectory = URL(fileURLWithPath: self.dataDirectory).standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw DevError(.dataDirectory, "cannot create the data directory \(dataDirectory): \(error)")
        }
        let executable = try GantryExecutable.path()
        await WorkerSupervisor.stopLeftovers(dataDirectory: dataDirectory, logger: logger)

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let (redisURL, redis) = try await server("GANTRY_REDIS_URL", into: &services, logger: logger) {
            try await EmbeddedServers.redis(dataDirectory: dataDirectory, preferredPort: redisPort, logger: logger)
        }
        let (databaseURL, postgres) = try await server("GANTRY_DATABASE_URL", into: &services, logger: logger) {
            try await EmbeddedServers.postgres(dataDirectory: dataDirectory, preferredPort: postgresPort, logger: logger)
        }

        var plan = WorkerPlan(
            count: workers, queues: queues, executable: executable, dataDirectory: dataDirectory,
            redisURL: redisURL, databaseURL: databaseURL, apiPort: try LoopbackPort.choose(preferred: apiPort ?? 8080))
        let receiver = demo ? try await DemoWebhookReceiver.start() : nil
        if let receiver {
            // The demo's stakeholders listen on loopback, which the SSRF guard refuses unless allowed.
            let allowed = [ProcessInfo.processInfo.environment["GANTRY_WEBHOOK_ALLOW"], "127.0.0.1/32"]
            plan.environment["GANTRY_WEBHOOK_ALLOW"] = allowed.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ",")
            logger.info("demo: webhook receiver on \(receiver.url)")
        }
        let gate = StartupGate()
        let startup = DevStartup(
            redisURL: redisURL, databaseURL: databaseURL, dataDirectory: dataDirectory,
            redis: redis, postgres: postgres, workers: plan, gate: gate, logger: logger)
        services.append(.init(service: startup, serviceName: "startup"))
        if let receiver {
            services.append(
                .init(
                    service: DemoSeeder(plan: plan, gate: gate, receiver: receiver, projects: demoProjects, logger: logger),
                    // The demo ending (or failing, which it logs) must not stop the cluster.
                    successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
        }
        services.append(.init(service: WorkerSupervisor(plan: plan, gate: gate, logger: logger), serviceName: "workers"))

        // Graceful shutdown runs in reverse order: the workers first (they hand their jobs back to Redis, so it
        // must still be up), then startup (and later the API), the servers last. The bound leaves the workers
        // their allowance plus a second or two for the servers, within the ten seconds a supervisor gives us.
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(9)
        configuration.maximumCancellationDuration = .seconds(1)
        try await ServiceGroup(configuration: configuration).run()
    }

    /// The URL of the user's own server when `variable` names one; else the server `prepare` makes, added to the
    /// group, and its URL.
    private func server<Server: LocalServer>(
        _ variable: String, into services: inout [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger,
        _ prepare: () async throws -> Server
    ) async throws -> (url: String, embedded: Server?) {
        if let configured = ProcessInfo.processInfo.environment[variable], !configured.isEmpty { return (configured, nil) }
        let server = try await prepare()
        services.append(.init(service: EmbeddedServer(server: server, logger: logger), serviceName: server.name))
        return (server.url, server)
    }
}
