/// A reply of a Redis server (RESP2), copied out of hiredis' memory so it outlives the C reply.
public enum RESPValue: Sendable, Hashable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    case bulkString([UInt8])
    case null
    case array([RESPValue])

    /// The text of a simple or bulk string, decoded as UTF-8; `nil` for other kinds or invalid UTF-8.
    public var string: String? {
        switch self {
        case .simpleString(let text): return text
        case .bulkString(let bytes): return String(validating: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// An integer reply, or a simple or bulk string holding a decimal integer
    /// (Redis returns numbers stored in keys and Lua numbers-as-strings that way).
    public var int: Int? {
        switch self {
        case .integer(let value): return Int(exactly: value)
        case .bulkString(let bytes): return Self.parseInt(bytes)
        case .simpleString(let text): return Int(text)
        default: return nil
        }
    }

    /// The raw bytes of a bulk string (or the UTF-8 of a simple string).
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): return bytes
        case .simpleString(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// The elements of an array reply.
    public var array: [RESPValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// Whether the reply is a null bulk string or null array (a missing key, a timed-out BLPOP).
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    private static func parseInt(_ bytes: [UInt8]) -> Int? {
        // Avoids building a String for the common case of counters and ids.
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
            guard bytes.count > 1 else { return nil }
        }
        var value = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative
                ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        return value
    }
}
