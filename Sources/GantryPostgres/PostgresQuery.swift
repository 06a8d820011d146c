/// A SQL statement with its parameters, safe by construction.
///
/// Built by string interpolation: every interpolated value becomes a `$n` placeholder plus a bind, so
/// values never become SQL text.
///
/// ```swift
/// let query: PostgresQuery = "SELECT * FROM t WHERE id = \(id) AND name = \(name)"
/// // sql: "SELECT * FROM t WHERE id = $1 AND name = $2", binds: [id, name]
/// ```
///
/// Identifiers (schema, table, channel names) cannot be parameters; interpolate them with
/// `\(identifier: name)`, which double-quotes them, or, for SQL you have checked yourself,
/// `\(unsafeRaw: fragment)`. A `String` variable never becomes a query without one of the `unsafe` spellings.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var sql: String
    public private(set) var binds: [PostgresBind]

    /// A query from SQL text you vouch for, with binds matching its `$n` placeholders.
    public init(unsafeSQL: String, binds: [PostgresBind] = []) {
        self.sql = unsafeSQL
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// The SQL text only; bound values are never printed.
    public var description: String { sql }

    /// Quotes `name` as a SQL identifier (`"my ""odd"" name"`), so it is used exactly as written.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var sql: String
        var binds: [PostgresBind]

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds = []
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Appends a `$n` placeholder and binds `value` to it.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            binds.append(value.postgresBind())
            sql += "$\(binds.count)"
        }

        /// Appends a `$n` placeholder bound to `value`, or to a typed NULL when it is `nil`.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            binds.append(value.postgresBind())
            sql += "$\(binds.count)"
        }

        /// Appends a prepared bind as a `$n` placeholder.
        public mutating func appendInterpolation(bind: PostgresBind) {
            binds.append(bind)
            sql += "$\(binds.count)"
        }

        /// Appends `name` as a double-quoted identifier, for schema, table or column names.
        public mutating func appendInterpolation(identifier name: String) {
            sql += PostgresQuery.quoteIdentifier(name)
        }

        /// Appends raw SQL text. Never pass user input: it is not escaped.
        public mutating func appendInterpolation(unsafeRaw fragment: String) {
            sql += fragment
        }
    }
}

