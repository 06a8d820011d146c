import AsyncHTTPClient
import FoundationEssentials
import Glibc
import NIOCore

/// POSTs one signed webhook and says what came of it. Never throws for the receiver's sake: every
/// answer, timeout or network error becomes a `DeliveryAttempt`; only cancellation of the job is thrown.
///
/// Before any connection the URL's host is resolved and every address judged by `addressGuard`
/// (SSRF); a refused URL becomes a `rejected` attempt with the reason and no response. The request
/// then goes to the address that passed (`LazyHTTPClient.client(pinning:to:)`). The clients do not
/// follow redirects (`LazyHTTPClient.makeWebhookClient` builds them so): a 3xx counts as a
/// refusal, and a redirect could lead anywhere.
public struct WebhookSender: Sendable {
    public let clients: LazyHTTPClient
    public var addressGuard: WebhookAddressGuard
    public var resolver: WebhookResolver
    /// The whole request, connect to last byte; Standard Webhooks suggests 15–30 s.
    public var timeout: Duration
    public var userAgent: String
    /// Response bodies are read (so the connection can be reused) but kept only this long, for errors.
    static let keptBodyBytes = 512

    public init(
        clients: LazyHTTPClient, addressGuard: WebhookAddressGuard = WebhookAddressGuard(),
        resolver: WebhookResolver = WebhookResolver(), timeout: Duration = .seconds(15),
        userAgent: String = "Gantry-Webhooks/1"
    ) {
        self.clients = clients
        self.addressGuard = addressGuard
        self.resolver = resolver
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
        let destination: WebhookDestination
        do {
            destination = try await addressGuard.destination(of: url, resolver: resolver)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            // A name that does not resolve may resolve later; an address in a blocked range will not move.
            return DeliveryAttempt(
                outcome: error.code == .unresolvable ? .retryable : .rejected, responseCode: nil,
                latencyMs: start.duration(to: clock.now).wholeMilliseconds, error: error.description)
        }
        let lease =
            destination.isName
            ? clients.client(pinning: destination.host, to: destination.address) : clients.lease(pin: nil)
        do {
            let attempt = try await send(request, with: lease.client, clock: clock, start: start)
            await lease.release()
            return attempt
        } catch {
            await lease.release()
            throw error
        }
    }

    func send(
        _ request: HTTPClientRequest, with client: HTTPClient, clock: ContinuousClock, start: ContinuousClock.Instant
    ) async throws -> DeliveryAttempt {
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.wholeMilliseconds) * 1_000_000))
            let status = Int(response.status.code)
            // Read what remains of the body within the same deadline; its text only matters for errors.
            let received = try? await response.body.collect(upTo: 64 * 1024)
            let latency = start.duration(to: clock.now).wholeMilliseconds
            let outcome = DeliveryOutcome(httpStatus: status)
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
                disablesEndpoint: DeliveryOutcome.disablesEndpoint(httpStatus: status))
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
