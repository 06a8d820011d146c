import FoundationEssentials

/// Where a webhook connects: the URL's host and the address that passed `WebhookAddressGuard`.
public struct WebhookDestination: Sendable, Hashable {
    /// As async-http-client spells the host (IPv6 brackets removed).
    public var host: String
    public var address: IPAddress
    /// The host is a name: the connection must be pinned to `address`, not resolved again.
    public var isName: Bool
}

extension WebhookAddressGuard {
    /// The host of an absolute `http(s)://` URL, parsed as async-http-client parses it.
    public static func host(of url: String) throws(WebhookRefusal) -> String {
        guard url.utf8.count <= 2048 else { throw WebhookRefusal(.invalidURL, "the URL is longer than 2048 bytes") }
        guard !url.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
            throw WebhookRefusal(.invalidURL, "the URL holds a space or a control character")
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased() else {
            throw WebhookRefusal(.invalidURL, "not an absolute URL")
        }
        guard scheme == "http" || scheme == "https" else {
            throw WebhookRefusal(.invalidURL, "the scheme must be http or https")
        }
        var host = parsed.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw WebhookRefusal(.invalidURL, "the URL has no host") }
        return host
    }

    /// Judges every address `host` resolved to: one blocked address refuses the lot (a name with a
    /// public and a private record would otherwise reach the private one on some connects).
    public func destination(host: String, addresses: [IPAddress]) throws(WebhookRefusal) -> WebhookDestination {
        guard let first = addresses.first else {
            throw WebhookRefusal(.unresolvable, "\(host) resolved to no address")
        }
        for address in addresses {
            if let refusal = refusal(for: address) {
                let named = IPAddress(host) == nil ? "\(host) resolves to " : ""
                throw WebhookRefusal(refusal.code, named + refusal.message)
            }
        }
        return WebhookDestination(host: host, address: first, isName: IPAddress(host) == nil)
    }

    /// Parses `url`, resolves its host (an IP literal is not resolved) and judges the addresses.
    public func destination(of url: String, resolver: WebhookResolver) async throws(WebhookRefusal)
        -> WebhookDestination
    {
        let host = try Self.host(of: url)
        if let literal = IPAddress(host) { return try destination(host: host, addresses: [literal]) }
        return try destination(host: host, addresses: try await resolver.addresses(of: host))
    }
}
