import ArgumentParser
import GantryAPI
import GantryAPIServer
import Hummingbird
import Logging
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

    @OptionGroup var log: LogLevelOption

    func run() async throws {
        log.bootstrap()
        let tracing = try ProcessTracing.services(serviceName: "gantry-api")
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

        let backends = try await APIBackends.open(
            servers, redisConnections: redisConnections, postgresConnections: postgresConnections, logger: logger)
        let dependencies = backends.dependencies(logger: logger)
        let configuration = APIConfiguration(
            host: host, port: port, tokenCacheTTL: .milliseconds(Int64(tokenCacheTTL * 1000)), rateLimit: rateLimit)
        let app = try GantryAPI.buildApplication(configuration: configuration, dependencies: dependencies)
        let group = ServiceGroup(
            configuration: .init(services: tracing + [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await backends.close()
    }
}
