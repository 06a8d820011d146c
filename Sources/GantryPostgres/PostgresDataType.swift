/// A PostgreSQL type OID, as sent with each parameter and reported for each result column.
public struct PostgresDataType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Lets the server infer the type from context.
    public static let unspecified = PostgresDataType(0)
    public static let bool = PostgresDataType(16)
    public static let bytea = PostgresDataType(17)
    public static let name = PostgresDataType(19)
    public static let int8 = PostgresDataType(20)
    public static let int2 = PostgresDataType(21)
    public static let int4 = PostgresDataType(23)
    public static let text = PostgresDataType(25)
    public static let oid = PostgresDataType(26)
    public static let json = PostgresDataType(114)
    public static let float4 = PostgresDataType(700)
    public static let float8 = PostgresDataType(701)
    public static let bpchar = PostgresDataType(1042)
    public static let varchar = PostgresDataType(1043)
    public static let date = PostgresDataType(1082)
    public static let timestamp = PostgresDataType(1114)
    public static let timestamptz = PostgresDataType(1184)
    public static let numeric = PostgresDataType(1700)
    public static let uuid = PostgresDataType(2950)
    public static let jsonb = PostgresDataType(3802)

    public var description: String {
        switch self {
        case .bool: "bool"
        case .bytea: "bytea"
        case .name: "name"
        case .int8: "int8"
        case .int2: "int2"
        case .int4: "int4"
        case .text: "text"
        case .oid: "oid"
        case .json: "json"
        case .float4: "float4"
        case .float8: "float8"
        case .bpchar: "bpchar"
        case .varchar: "varchar"
        case .date: "date"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .numeric: "numeric"
        case .uuid: "uuid"
        case .jsonb: "jsonb"
        default: "oid \(rawValue)"
        }
    }
}

/// The wire format of one value: libpq's 0 (text) or 1 (binary).
public enum PostgresFormat: Int32, Sendable, Hashable {
    case text = 0
    case binary = 1
}

/// One parameter of a query: its type, wire format and bytes (`nil` is SQL NULL).
///
/// Values are sent with explicit lengths, so any bytes (including NUL) survive in binary format.
public struct PostgresBind: Sendable, Hashable {
    public var dataType: PostgresDataType
    public var format: PostgresFormat
    public var bytes: [UInt8]?

    public init(dataType: PostgresDataType, format: PostgresFormat, bytes: [UInt8]?) {
        self.dataType = dataType
        self.format = format
        self.bytes = bytes
    }

    /// SQL NULL typed as `dataType`.
    public static func null(_ dataType: PostgresDataType) -> PostgresBind {
        PostgresBind(dataType: dataType, format: .text, bytes: nil)
    }
}

/// One column value of a result row, as the server sent it.
public struct PostgresCell: Sendable {
    public var dataType: PostgresDataType
    public var format: PostgresFormat
    /// The raw value; `nil` for SQL NULL.
    public var bytes: [UInt8]?
    public var columnName: String
}
