import GantryCore
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle

/// The producer HTTP API (Hummingbird 2, spec first: `openapi.yaml` → swift-openapi-generator).
/// `buildApplication` is the one way to make it: `gantry api` runs what it returns, and the tests
/// call it too (as Hummingbird's template does), with their own dependencies.
public enum GantryAPI {
    public static func buildApplication(
        configuration: APIConfiguration, dependencies: APIDependencies
    ) throws -> some ApplicationProtocol {
        let parts = try buildParts(configuration: configuration, dependencies: dependencies)
        return Application(
            router: parts.router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "gantry"),
            services: parts.services,
            logger: dependencies.logger)
    }

    /// The routes and middleware without a server, for `Application` and Hummingbird's test client. The
    /// dashboard's queue sampler and live feed do not run here (they are services of the application):
    /// the charts' history is empty and the event stream stays silent but for what `buildApplication` adds.
    public static func buildRouter(
        configuration: APIConfiguration, dependencies: APIDependencies
    ) throws -> Router<BasicRequestContext> {
        try buildParts(configuration: configuration, dependencies: dependencies).router
    }

    /// The router and the background services the API process runs beside it: the queue depth sampler
    /// and the live feed's reader.
    static func buildParts(
        configuration: APIConfiguration, dependencies: APIDependencies
    ) throws -> (router: Router<BasicRequestContext>, services: [any Service]) {
        let metrics = APIMetrics(registry: dependencies.metrics)
        let cache = TokenCache(ttl: configuration.tokenCacheTTL, capacity: configuration.tokenCacheCapacity)
        let driver = dependencies.queue.driver
        let sampler = QueueDepthSampler(interval: configuration.queueSampleInterval, logger: dependencies.logger) {
            var stats: [QueueStats] = []
            let names = try await (driver as? any QueueListing)?.queueNames() ?? [.default]
            for name in names { stats.append(try await driver.stats(queue: name)) }
            return stats
        }
        let service = APIService(
            configuration: configuration, dependencies: dependencies, metrics: metrics, tokenCache: cache,
            openAPIDocument: try OpenAPIDocumentJSON.load(), depthSampler: sampler)
        let hub = EventHub(maxSubscribers: configuration.maxEventStreams)
        let feed = EventFeed(hub: hub, driver: driver, projectEvents: dependencies.projectEvents, logger: dependencies.logger)
        let router = Router()
        // A server span per request, continuing the caller's `traceparent` header, when this process
        // traces; jobs enqueued inside it carry its context (`TraceContext`). Not added otherwise, so an
        // API that does not trace pays nothing per request.
        if TraceContext.isEnabled { router.middlewares.add(TracingMiddleware()) }
        router.middlewares.add(
            HTTPEdge(maxBodyBytes: configuration.maxBodyBytes, maxBulkBodyBytes: configuration.maxBulkBodyBytes, metrics: metrics))
        let authenticator = TokenAuthenticator(repository: dependencies.tokens, cache: cache)
        let gate = RequestGate(
            authenticator: authenticator,
            limiter: configuration.rateLimit.map(RateLimiter.init), metrics: metrics, logger: dependencies.logger)
        // Compact JSON: pretty-printing and key sorting cost on every answer and help no program.
        try service.registerHandlers(
            on: router, serverURL: Servers.Server1.url(), configuration: Configuration(jsonEncodingOptions: []),
            middlewares: [gate])
        EventStreamRoute(hub: hub, authenticator: authenticator).register(on: router)
        DashboardRoutes(assets: DashboardAssets.load()).register(on: router)
        return (router, [sampler, feed])
    }
}
