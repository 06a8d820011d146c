/// Why a webhook URL or address was refused before any connection was made. Permanent: the same
/// URL resolves into the same blocked range next time (a name that moves is refused again then).
public struct WebhookRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// Not an absolute `http(s)://host` URL.
        public static let invalidURL = Code(name: "invalidURL")
        /// The name resolved to no address.
        public static let unresolvable = Code(name: "unresolvable")
        /// 127.0.0.0/8, ::1.
        public static let loopback = Code(name: "loopback")
        /// 169.254.0.0/16 (cloud metadata lives at 169.254.169.254), fe80::/10.
        public static let linkLocal = Code(name: "linkLocal")
        /// 10/8, 172.16/12, 192.168/16, fec0::/10.
        public static let privateNetwork = Code(name: "privateNetwork")
        /// 100.64.0.0/10, carrier-grade NAT.
        public static let sharedAddressSpace = Code(name: "sharedAddressSpace")
        /// 0.0.0.0/8, ::.
        public static let unspecified = Code(name: "unspecified")
        /// 224.0.0.0/4, ff00::/8.
        public static let multicast = Code(name: "multicast")
        /// fc00::/7.
        public static let uniqueLocal = Code(name: "uniqueLocal")
        /// Documentation, benchmarking, 240/4 and broadcast, IETF blocks, IPv6 outside 2000::/3.
        public static let reserved = Code(name: "reserved")
        /// A `GANTRY_WEBHOOK_ALLOW` entry that is not a CIDR block.
        public static let invalidAllowList = Code(name: "invalidAllowList")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "webhook refused (\(code)): \(message)" }
}
