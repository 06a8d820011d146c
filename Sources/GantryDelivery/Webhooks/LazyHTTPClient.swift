import AsyncHTTPClient
import Synchronization

/// The webhook `HTTPClient`s, each made on first use: a worker that never sends a webhook never
/// starts NIO's event-loop threads (and keeps their memory). Shut it down once the worker has drained.
///
/// A connection to a host name goes to the address `WebhookAddressGuard` passed, not to whatever
/// the name resolves to a moment later: each (host, address) pair gets a client whose `dnsOverride`
/// maps the host to that address (TLS still checks the certificate against the host name). Clients
/// are kept for reuse of their connections, up to `pinnedLimit`; past it a client serves one request
/// and is shut down after it.
public final class LazyHTTPClient: Sendable {
    /// Makes a client with the given `dnsOverride` (empty for the unpinned one).
    public typealias Make = @Sendable (_ dnsOverride: [String: String]) -> HTTPClient

    /// A client for one request; `release()` after it.
    public struct Lease: Sendable {
        public let client: HTTPClient
        let isOneShot: Bool

        public func release() async {
            if isOneShot { try? await client.shutdown() }
        }
    }

    public static let pinnedLimit = 64

    private let make: Make
    // The Mutex guards the clients by pin ("" for none), each created at most once.
    private let clients = Mutex<[String: HTTPClient]>([:])

    public init(_ make: @escaping Make = { LazyHTTPClient.makeWebhookClient(dnsOverride: $0) }) {
        self.make = make
    }

    /// An `HTTPClient` fit for webhooks: redirects are not followed (a webhook that answers 3xx is
    /// misconfigured, and following it could leak the signed body elsewhere), connections time out
    /// after 10 s. `dnsOverride` pins host names to checked addresses. The caller owns it:
    /// `try await client.shutdown()` when the worker has stopped.
    public static func makeWebhookClient(dnsOverride: [String: String] = [:]) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)))
        configuration.dnsOverride = dnsOverride
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The client without a pin, for IP-literal URLs (nothing to resolve).
    public var client: HTTPClient { lease(pin: nil).client }

    /// A client that connects to `address` whenever a URL names `host`.
    public func client(pinning host: String, to address: IPAddress) -> Lease {
        lease(pin: (host, address.description))
    }

    func lease(pin: (host: String, address: String)?) -> Lease {
        let key = pin.map { "\($0.host) \($0.address)" } ?? ""
        let override = pin.map { [$0.host: $0.address] } ?? [:]
        let kept: HTTPClient? = clients.withLock { clients in
            if let existing = clients[key] { return existing }
            guard clients.count < Self.pinnedLimit + 1 else { return nil }
            let made = make(override)
            clients[key] = made
            return made
        }
        if let kept { return Lease(client: kept, isOneShot: false) }
        return Lease(client: make(override), isOneShot: true)
    }

    /// How many clients are kept (made and not yet shut down).
    public var madeCount: Int { clients.withLock { $0.count } }

    /// Shuts every kept client down.
    public func shutdown() async throws {
        let made = clients.withLock { current -> [HTTPClient] in
            defer { current = [:] }
            return Array(current.values)
        }
        for client in made { try await client.shutdown() }
    }
}
