/// A lease's fencing token: `<consumer>/<16 hex digits>`, made by the driver for every lease call.
/// The random part is made by the client, not counted by Redis, so a Redis restart that loses its
/// last second of writes can never hand out a token twice.
public struct LeaseToken: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A new token for one lease call by `consumer`.
    public static func make(consumer: String) -> LeaseToken {
        let hex = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return LeaseToken(rawValue: "\(consumer)/\(String(repeating: "0", count: 16 - hex.count))\(hex)")
    }

    /// The consumer that leased, for display.
    public var consumer: Substring { rawValue[..<(rawValue.lastIndex(of: "/") ?? rawValue.endIndex)] }
    public var description: String { rawValue }
}
