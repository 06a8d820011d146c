import GantryErrors

/// Why a webhook URL or address was refused before any connection was made. Permanent: the same
/// URL resolves into the same blocked range next time (a name that moves is refused again then).
public struct WebhookRefusal: CodedError, Hashable {
    public typealias Code = ErrorCode<WebhookRefusal>

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "webhook refused (\(code)): \(message)" }
}

extension ErrorCode where Owner == WebhookRefusal {
    /// Not an absolute `http(s)://host` URL.
    public static var invalidURL: Self { "invalidURL" }
    /// The name resolved to no address.
    public static var unresolvable: Self { "unresolvable" }
    /// 127.0.0.0/8, ::1.
    public static var loopback: Self { "loopback" }
    /// 169.254.0.0/16 (cloud metadata lives at 169.254.169.254), fe80::/10.
    public static var linkLocal: Self { "linkLocal" }
    /// 10/8, 172.16/12, 192.168/16, fec0::/10.
    public static var privateNetwork: Self { "privateNetwork" }
    /// 100.64.0.0/10, carrier-grade NAT.
    public static var sharedAddressSpace: Self { "sharedAddressSpace" }
    /// 0.0.0.0/8, ::.
    public static var unspecified: Self { "unspecified" }
    /// 224.0.0.0/4, ff00::/8.
    public static var multicast: Self { "multicast" }
    /// fc00::/7.
    public static var uniqueLocal: Self { "uniqueLocal" }
    /// Documentation, benchmarking, 240/4 and broadcast, IETF blocks, IPv6 outside 2000::/3.
    public static var reserved: Self { "reserved" }
    /// A `GANTRY_WEBHOOK_ALLOW` entry that is not a CIDR block.
    public static var invalidAllowList: Self { "invalidAllowList" }
}
