/// One argument of a command, as bytes: binary safe (NUL and non-UTF-8 bytes pass through unchanged).
public struct RedisArgument: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// The bytes sent to the server, with their explicit length.
    public var bytes: [UInt8]

    /// Raw bytes, sent as they are.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    /// The UTF-8 of a string.
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    /// A decimal integer, as Redis expects for counts, scores and timeouts.
    public init(_ int: Int) { self.bytes = Array(String(int).utf8) }
    /// A decimal integer.
    public init(_ int: Int64) { self.bytes = Array(String(int).utf8) }
    /// A floating-point number in its shortest round-tripping form (`inf` and `-inf` are accepted by Redis as scores).
    public init(_ double: Double) { self.bytes = Array(String(double).utf8) }

    public init(stringLiteral value: String) { self.init(value) }
    public init(integerLiteral value: Int) { self.init(value) }
}
