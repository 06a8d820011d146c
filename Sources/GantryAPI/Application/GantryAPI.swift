import GantryCore
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime

/// The producer HTTP API (Hummingbird 2, spec first: `openapi.yaml` → swift-openapi-generator).
/// `buildApplication` is the one way to make it: `gantry api` runs what it returns, and the tests
/// call it too (as Hummingbird's template does), with their own dependencies.
public enum GantryAPI {
    public static func buildApplication(
        configuration: APIConfiguration, dependencies: APIDependencies
    ) throws -> some ApplicationProtocol {
        let router = try buildRouter(configuration: configuration, dependencies: dependencies)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "gantry"),
            logger: dependencies.logger)
    }

    /// The routes and middleware without a server, for `Application` and Hummingbird's test client.
    public static func buildRouter(
        configuration: APIConfiguration, dependencies: APIDependencies
    ) throws -> Router<BasicRequestContext> {
        let metrics = APIMetrics(registry: dependencies.metrics)
        let cache = TokenCache(ttl: configuration.tokenCacheTTL, capacity: configuration.tokenCacheCapacity)
        let service = APIService(
            configuration: configuration, dependencies: dependencies, metrics: metrics, tokenCache: cache,
            openAPIDocument: try OpenAPIDocumentJSON.load())
        let router = Router()
        // A server span per request, continuing the caller's `traceparent` header, when this process
        // traces; jobs enqueued inside it carry its context (`TraceContext`). Not added otherwise, so an
        // API that does not trace pays nothing per request.
        if TraceContext.isEnabled { router.middlewares.add(TracingMiddleware()) }
        router.middlewares.add(
            HTTPEdge(maxBodyBytes: configuration.maxBodyBytes, maxBulkBodyBytes: configuration.maxBulkBodyBytes, metrics: metrics))
        let gate = RequestGate(
            authenticator: TokenAuthenticator(repository: dependencies.tokens, cache: cache),
            limiter: configuration.rateLimit.map(RateLimiter.init), metrics: metrics, logger: dependencies.logger)
        // Compact JSON: pretty-printing and key sorting cost on every answer and help no program.
        try service.registerHandlers(
            on: router, serverURL: Servers.Server1.url(), configuration: Configuration(jsonEncodingOptions: []),
            middlewares: [gate])
        return router
    }
}
