/// Keeps webhooks off the worker's own networks (SSRF): a receiver's URL is the customer's to
/// choose, and without this a URL naming 127.0.0.1, 169.254.169.254 (cloud metadata) or a private
/// range would make the worker post there and store what came back.
///
/// The check is on addresses, after resolution (`WebhookResolver`), and the connection is then made
/// to the very address that passed (`LazyHTTPClient.client(pinning:to:)`): a name cannot resolve to
/// a public address for the check and to a private one for the connect. An explicit allow-list of
/// CIDR blocks (`GANTRY_WEBHOOK_ALLOW`) admits on-premise receivers; nothing else in a blocked range
/// is ever reached.
public struct WebhookAddressGuard: Sendable, Hashable {
    /// Blocks that are allowed although they fall in a blocked range.
    public var allowed: [IPNetwork]

    public init(allowing allowed: [IPNetwork] = []) {
        self.allowed = allowed
    }

    /// nil when `address` may be connected to; else the refusal, naming the range.
    public func refusal(for address: IPAddress) -> WebhookRefusal? {
        let candidates = [address] + (address.embeddedIPv4.map { [$0] } ?? [])
        if allowed.contains(where: { network in candidates.contains { network.contains($0) } }) { return nil }
        guard let (code, range) = Self.blockedRange(of: address) else { return nil }
        return WebhookRefusal(code, "\(address) is in \(range), which webhooks may not reach (GANTRY_WEBHOOK_ALLOW admits it)")
    }

    /// The blocked class and range of `address`, nil for a public address.
    public static func blockedRange(of address: IPAddress) -> (WebhookRefusal.Code, String)? {
        if address.isIPv4 {
            return ipv4Blocks.first { $0.network.contains(address) }.map { ($0.code, $0.network.description) }
        }
        // :: and ::1 first: read as IPv4-compatible they would be 0.0.0.0 and 0.0.0.1.
        if let exact = ipv6Blocks.prefix(2).first(where: { $0.network.contains(address) }) {
            return (exact.code, exact.network.description)
        }
        if let v4 = address.embeddedIPv4, let (code, range) = blockedRange(of: v4) {
            return (code, "\(range) (inside the IPv6 address)")
        }
        // NAT64 (DNS64 networks): judged by the IPv4 address it carries, public here.
        if nat64.contains(address) { return nil }
        if let block = ipv6Blocks.first(where: { $0.network.contains(address) }) {
            return (block.code, block.network.description)
        }
        // Only 2000::/3 is global unicast; the rest is reserved or special.
        if address.bytes[0] & 0xE0 != 0x20 { return (.reserved, "outside 2000::/3") }
        return nil
    }

    struct Block: Sendable {
        var network: IPNetwork
        var code: WebhookRefusal.Code
        init(_ cidr: String, _ code: WebhookRefusal.Code) {
            // The literals below are valid CIDRs.
            network = IPNetwork(cidr)!
            self.code = code
        }
    }

    /// RFC 6890's special-purpose IPv4 blocks that are not globally reachable.
    static let ipv4Blocks: [Block] = [
        Block("0.0.0.0/8", .unspecified),
        Block("10.0.0.0/8", .privateNetwork),
        Block("100.64.0.0/10", .sharedAddressSpace),
        Block("127.0.0.0/8", .loopback),
        Block("169.254.0.0/16", .linkLocal),
        Block("172.16.0.0/12", .privateNetwork),
        Block("192.0.0.0/24", .reserved),
        Block("192.0.2.0/24", .reserved),
        Block("192.88.99.0/24", .reserved),
        Block("192.168.0.0/16", .privateNetwork),
        Block("198.18.0.0/15", .reserved),
        Block("198.51.100.0/24", .reserved),
        Block("203.0.113.0/24", .reserved),
        Block("224.0.0.0/4", .multicast),
        Block("240.0.0.0/4", .reserved),
    ]

    static let nat64 = IPNetwork("64:ff9b::/96")!

    /// IPv6 blocks; those carrying an IPv4 address are judged by it first (`embeddedIPv4`).
    static let ipv6Blocks: [Block] = [
        Block("::/128", .unspecified),
        Block("::1/128", .loopback),
        Block("::ffff:0:0/96", .reserved),
        Block("::/96", .reserved),
        Block("64:ff9b:1::/48", .reserved),
        Block("100::/64", .reserved),
        Block("2001::/23", .reserved),
        Block("2001:db8::/32", .reserved),
        Block("2002::/16", .reserved),
        Block("fc00::/7", .uniqueLocal),
        Block("fe80::/10", .linkLocal),
        Block("fec0::/10", .privateNetwork),
        Block("ff00::/8", .multicast),
    ]
}
