import AsyncHTTPClient
import FoundationEssentials
import GantryAPIClient
import HTTPTypes
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// The generated client of the producer API, found by `APIEnvironment.endpoint`, with the bearer token on every
/// request and every refusal turned into one `CLIError` whose exit status scripts can trust.
struct APIClient: Sendable {
    let endpoint: APIEnvironment.Endpoint
    let client: Client

    init(_ options: APIOptions) throws(CLIError) {
        self.init(endpoint: try APIEnvironment.endpoint(options))
    }

    init(endpoint: APIEnvironment.Endpoint) {
        self.endpoint = endpoint
        client = Client(
            serverURL: endpoint.url,
            // Compact bodies (the default pretty-prints, which only costs bytes on a 10,000-job bulk request).
            configuration: Configuration(dateTranscoder: LenientISO8601(), jsonEncodingOptions: [.sortedKeys]),
            transport: AsyncHTTPClientTransport(configuration: .init(client: Self.httpClient, timeout: .seconds(60))),
            middlewares: [BearerAndRefusals(token: endpoint.token)])
    }

    /// One HTTP client for the process, never shut down (it lives as long as the command). Its connect timeout
    /// is short because the pool retries a refused connection until that timeout: with the default, a stopped
    /// API would hang a command for a minute before it could exit 3.
    static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(3)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Runs one or more operations, mapping what goes wrong: a refusal to its `CLIError`, no answer at all to
    /// `.unreachable` (exit 3), anything else to `.server`.
    func call<T: Sendable>(_ body: (Client) async throws -> T) async throws(CLIError) -> T {
        do {
            return try await body(client)
        } catch {
            throw map(error)
        }
    }

    func map(_ error: any Error) -> CLIError {
        if let error = error as? CLIError { return error }
        if let failure = error as? APIFailure { return failure.cliError }
        if let error = error as? ClientError {
            if let failure = error.underlyingError as? APIFailure { return failure.cliError }
            if error.response == nil {
                let cause = String(describing: error.underlyingError)
                if endpoint.source.hasSuffix("/api-url") {
                    return CLIError(
                        .unreachable,
                        "no `gantry dev` answers at \(endpoint.url.absoluteString) (from \(endpoint.source)): is it "
                            + "still running? (\(cause))")
                }
                return CLIError(.unreachable, "cannot reach the API at \(endpoint.url.absoluteString) (from \(endpoint.source)): \(cause)")
            }
            return CLIError(.server, "unexpected answer from \(endpoint.url.absoluteString): \(error.causeDescription): \(error.underlyingError)")
        }
        if error is CancellationError { return CLIError(.unreachable, "cancelled") }
        return CLIError(.server, "unexpected answer from \(endpoint.url.absoluteString): \(error)")
    }
}

/// Adds `Authorization: Bearer …`, waits out a 429's `Retry-After` (up to three times, when the body can be
/// sent again), and throws an `APIFailure` for any status of 400 or more.
struct BearerAndRefusals: ClientMiddleware {
    let token: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        request.headerFields[.userAgent] = "gantry-cli"
        var attempt = 0
        while true {
            let (response, responseBody) = try await next(request, body, baseURL)
            guard response.status.code >= 400 else { return (response, responseBody) }
            var bytes: [UInt8] = []
            if let responseBody { bytes = (try? await [UInt8](collecting: responseBody, upTo: 1 << 20)) ?? [] }
            let retryAfter = response.headerFields[.retryAfter].flatMap { Int($0.trimmed) }
            let failure = APIFailure(status: response.status.code, body: bytes, retryAfter: retryAfter)
            attempt += 1
            if response.status.code == 429, attempt <= 3, body == nil || body?.iterationBehavior == .multiple {
                try await Task.sleep(for: .seconds(min(30, max(1, retryAfter ?? 1))))
                continue
            }
            throw failure
        }
    }
}

/// RFC 3339 with or without fractional seconds: the CLI reads what any version of the server writes.
struct LenientISO8601: DateTranscoder {
    func encode(_ date: Date) throws -> String { date.formatted(.iso8601) }

    func decode(_ text: String) throws -> Date {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
