/// A Swift value that can be sent as a query parameter.
///
/// Conforming types choose their type OID and wire format; see `Conformances` for the built-in ones.
public protocol PostgresEncodable: Sendable {
    /// The type OID sent for this Swift type, also for a `nil` of `Optional<Self>`.
    static var postgresDataType: PostgresDataType { get }
    /// The parameter for this value.
    func postgresBind() -> PostgresBind
}

/// A Swift value that can be read from a result column.
///
/// GantryPostgres asks the server for text-format results, so decoders parse PostgreSQL's text output
/// (the session pins `DateStyle=ISO`, `TimeZone=UTC` and `bytea_output=hex` so that output is stable).
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value.
    init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws
    /// The value for SQL NULL; throws for non-optional types.
    static func postgresNull() throws -> Self
}

extension PostgresDecodable {
    public static func postgresNull() throws -> Self {
        throw PostgresError(code: .decoding, message: "unexpected NULL for non-optional \(Self.self)")
    }
}

/// A value that is both sent as a parameter and read from a column.
public typealias PostgresCodable = PostgresEncodable & PostgresDecodable

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresDataType: PostgresDataType { Wrapped.postgresDataType }
    public func postgresBind() -> PostgresBind {
        switch self {
        case .some(let value): value.postgresBind()
        case .none: .null(Wrapped.postgresDataType)
        }
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws {
        self = .some(try Wrapped(postgresBytes: bytes, dataType: dataType, format: format))
    }
    public static func postgresNull() throws -> Wrapped? { nil }
}

/// A JSON document for `jsonb` (or `json`) columns, kept as its UTF-8 bytes so no parse happens here.
public struct PostgresJSON: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public var string: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { string }
}
