import Glibc
import NIOPosix

/// Resolves webhook hosts with the system resolver (`getaddrinfo`, so /etc/hosts and the search
/// domains count as they would for any client), on NIO's blocking-work pool: a slow DNS server
/// holds a thread of that pool, never one of Swift's cooperative threads.
public struct WebhookResolver: Sendable {
    let pool: NIOThreadPool

    public init(pool: NIOThreadPool = .singleton) {
        self.pool = pool
    }

    /// Every address of `host`, in the resolver's order, without duplicates.
    public func addresses(of host: String) async throws(WebhookRefusal) -> [IPAddress] {
        guard !host.utf8.contains(0), host.utf8.count <= 253 else {
            throw WebhookRefusal(.invalidURL, "not a host name")
        }
        let outcome: Result<[IPAddress], WebhookRefusal>
        do {
            outcome = try await pool.runIfActive { Self.lookUp(host) }
        } catch {
            throw WebhookRefusal(.unresolvable, "\(host) could not be resolved: \(error)")
        }
        return try outcome.get()
    }

    static func lookUp(_ host: String) -> Result<[IPAddress], WebhookRefusal> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            let reason = String(cString: gai_strerror(status))
            return .failure(WebhookRefusal(.unresolvable, "\(host) could not be resolved: \(reason)"))
        }
        defer { freeaddrinfo(list) }
        var found: [IPAddress] = []
        var next = list
        while let entry = next {
            next = entry.pointee.ai_next
            guard let raw = entry.pointee.ai_addr else { continue }
            var address: IPAddress?
            switch Int32(raw.pointee.sa_family) {
            case AF_INET:
                address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    withUnsafeBytes(of: sin.pointee.sin_addr) { IPAddress(bytes: Array($0)) }
                }
            case AF_INET6:
                address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    withUnsafeBytes(of: sin6.pointee.sin6_addr) { IPAddress(bytes: Array($0)) }
                }
            default:
                address = nil
            }
            if let address, !found.contains(address) { found.append(address) }
        }
        return .success(found)
    }
}
