import AsyncHTTPClient
import FoundationEssentials
import Glibc
import NIOCore

/// POSTs one signed webhook and says what came of it. Never throws for the receiver's sake: every
/// answer, timeout or network error becomes a `DeliveryAttempt`; only cancellation of the job is thrown.
///
/// Uses one `HTTPClient` for all deliveries (its connection pool is the point). The client should not
/// follow redirects (`NotifySendHandler.makeHTTPClient()` builds one so): a 3xx counts as a refusal.
public struct WebhookSender: Sendable {
    private let clientSource: @Sendable () -> HTTPClient
    public var client: HTTPClient { clientSource() }
    /// The whole request, connect to last byte; Standard Webhooks suggests 15–30 s.
    public var timeout: Duration
    public var userAgent: String
    /// Response bodies are read (so the connection can be reused) but kept only this long, for errors.
    static let keptBodyBytes = 512

    public init(client: HTTPClient, timeout: Duration = .seconds(15), userAgent: String = "Gantry-Webhooks/1") {
        self.init(lazyClient: { client }, timeout: timeout, userAgent: userAgent)
    }

    /// With a client made on first send (`LazyHTTPClient`).
    public init(
        lazyClient: @escaping @Sendable () -> HTTPClient, timeout: Duration = .seconds(15),
        userAgent: String = "Gantry-Webhooks/1"
    ) {
        self.clientSource = lazyClient
        self.timeout = timeout
        self.userAgent = userAgent
    }

    /// Sends `body` to `url`, signed for `messageID` at `timestamp` (Unix seconds).
    public func send(
        url: String, secret: WebhookSecret, messageID: String, timestamp: Int64, body: String
    ) async throws -> DeliveryAttempt {
        let bytes = Array(body.utf8)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: userAgent)
        for header in WebhookSigner(secret: secret).headers(id: messageID, timestamp: timestamp, body: bytes) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: bytes))

        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.wholeMilliseconds) * 1_000_000))
            let status = Int(response.status.code)
            // Read what remains of the body within the same deadline; its text only matters for errors.
            let received = try? await response.body.collect(upTo: 64 * 1024)
            let latency = start.duration(to: clock.now).wholeMilliseconds
            let outcome = NotifyRetryPolicy.outcome(httpStatus: status)
            var error: String?
            if outcome != .delivered {
                let text = received.map { String(buffer: $0) }.map { String($0.prefix(Self.keptBodyBytes)) } ?? ""
                error = "HTTP \(status)" + (text.isEmpty ? "" : ": \(text)")
            }
            let retryAfter =
                outcome == .throttled || status == 503
                ? RetryAfter.delayMs(response.headers.first(name: "retry-after"), nowSeconds: Self.nowSeconds()) : nil
            return DeliveryAttempt(
                outcome: outcome, responseCode: status, latencyMs: latency, error: error, retryAfterMs: retryAfter,
                disablesEndpoint: NotifyRetryPolicy.disablesEndpoint(httpStatus: status))
        } catch {
            if Task.isCancelled { throw CancellationError() }
            let latency = start.duration(to: clock.now).wholeMilliseconds
            return DeliveryAttempt(outcome: .retryable, responseCode: nil, latencyMs: latency, error: Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout:
                return "timed out (\(e))"
            default:
                return "\(e)"
            }
        }
        return "\(error)"
    }

    static func nowSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
