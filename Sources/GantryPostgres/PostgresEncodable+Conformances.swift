import FoundationEssentials
import Glibc

// Parameters: String and JSON go as text; numbers, Bool, UUID, Date and bytea go as binary, which needs no
// formatting or escaping and is exact. Results are always requested as text, so decoders parse text output.

extension String: PostgresCodable {
    public static var postgresDataType: PostgresDataType { .text }
    public func postgresBind() -> PostgresBind { PostgresBind(dataType: .text, format: .text, bytes: Array(utf8)) }
    public init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws {
        self = String(decoding: bytes, as: UTF8.self)
    }
}

// Integers of every width go as big-endian binary of their own width (so `Int` is an `int8`) and are read
// from text or binary of any integer column, refusing values that do not fit.
extension PostgresEncodable where Self: FixedWidthInteger {
    public func postgresBind() -> PostgresBind {
        PostgresBind(dataType: Self.postgresDataType, format: .binary, bytes: PostgresWire.bigEndianBytes(self))
    }
}

extension PostgresDecodable where Self: FixedWidthInteger {
    public init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws {
        self = try PostgresWire.decodeInteger(bytes, dataType: dataType, format: format, as: Self.self)
    }
}

extension Int64: PostgresCodable {
    public static var postgresDataType: PostgresDataType { .int8 }
}

extension Int: PostgresCodable {
    public static var postgresDataType: PostgresDataType { .int8 }
}

extension Int32: PostgresCodable {
    public static var postgresDataType: PostgresDataType { .int4 }
}

extension Double: PostgresCodable {
    public static var postgresDataType: PostgresDataType { .float8 }
    public func postgresBind() -> PostgresBind {
        PostgresBind(dataType: .float8, format: .binary, bytes: PostgresWire.bigEndianBytes(bitPattern))
    }
    public init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws {
        try PostgresWire.requireText(format, Double.self)
        guard let value = Double(String(decoding: bytes, as: UTF8.self)) else {
            throw PostgresWire.decodingError(bytes, dataType, Double.self)
        }
        self = value
    }
}

extension Bool: PostgresCodable {
    public static var postgresDataType: PostgresDataType { .bool }
    public func postgresBind() -> PostgresBind { PostgresBind(dataType: .bool, format: .binary, bytes: [self ? 1 : 0]) }
    public init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws {
        if format == .binary, bytes.count == 1 {
            self = bytes[0] != 0
            return
        }
        switch String(decoding: bytes, as: UTF8.self) {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PostgresWire.decodingError(bytes, dataType, Bool.self)
        }
    }
}

extension UUID: PostgresCodable {
    public static var postgresDataType: PostgresDataType { .uuid }
    public func postgresBind() -> PostgresBind {
        let u = uuid
        let bytes: [UInt8] = [
            u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15,
        ]
        return PostgresBind(dataType: .uuid, format: .binary, bytes: bytes)
    }
    public init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws {
        try PostgresWire.requireText(format, UUID.self)
        guard let value = UUID(uuidString: String(decoding: bytes, as: UTF8.self)) else {
            throw PostgresWire.decodingError(bytes, dataType, UUID.self)
        }
        self = value
    }
}

extension Date: PostgresCodable {
    /// Sent as `timestamptz` (microseconds since 2000-01-01 UTC, rounded).
    public static var postgresDataType: PostgresDataType { .timestamptz }
    public func postgresBind() -> PostgresBind {
        let microseconds = ((timeIntervalSince1970 - PostgresWire.postgresEpoch) * 1_000_000).rounded()
        return PostgresBind(
            dataType: .timestamptz, format: .binary,
            bytes: PostgresWire.bigEndianBytes(UInt64(bitPattern: Int64(microseconds))))
    }
    /// Reads `timestamptz`, `timestamp` (taken as UTC) and `date` text; `infinity` maps to `distantFuture`.
    public init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws {
        try PostgresWire.requireText(format, Date.self)
        guard let value = PostgresWire.parseTimestamp(bytes) else {
            throw PostgresWire.decodingError(bytes, dataType, Date.self)
        }
        self = value
    }
}

extension [UInt8]: PostgresCodable {
    /// Sent as binary `bytea`, so every byte value survives.
    public static var postgresDataType: PostgresDataType { .bytea }
    public func postgresBind() -> PostgresBind { PostgresBind(dataType: .bytea, format: .binary, bytes: self) }
    /// A `bytea` column is decoded from its hex text form; any other column yields its raw bytes.
    public init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws {
        guard dataType == .bytea, format == .text else {
            self = bytes
            return
        }
        guard let value = PostgresWire.decodeHexBytea(bytes) else {
            throw PostgresWire.decodingError(bytes, dataType, [UInt8].self)
        }
        self = value
    }
}

extension PostgresJSON: PostgresCodable {
    /// Sent as `jsonb` text; the server validates it.
    public static var postgresDataType: PostgresDataType { .jsonb }
    public func postgresBind() -> PostgresBind { PostgresBind(dataType: .jsonb, format: .text, bytes: bytes) }
    public init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws {
        // Binary jsonb starts with a version byte (1) before the text.
        if format == .binary, dataType == .jsonb, bytes.first == 1 {
            self.init(bytes: Array(bytes.dropFirst()))
        } else {
            self.init(bytes: bytes)
        }
    }
}
