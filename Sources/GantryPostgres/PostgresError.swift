import GantryErrors

/// An error from GantryPostgres: a code to switch on, plus the server's diagnostics when there are any.
///
/// `description` names the code, the SQLSTATE and the message, and never a password; `String(reflecting:)`
/// adds detail, hint and the query text (the SQL with `$n` placeholders, never the bound values).
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is: a name to switch on, to which new codes can be added without breaking
    /// exhaustive switches in callers.
    public typealias Code = ErrorCode<PostgresError>

    public var code: Code
    /// The five-character SQLSTATE reported by the server (for example `23505`), when there is one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The SQL text that failed, with `$n` placeholders; bound values are never included.
    public var query: String?

    public init(
        code: Code, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
        query: String? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.query = query
    }

    public var description: String {
        if let sqlState {
            return "PostgresError.\(code) (SQLSTATE \(sqlState)): \(message)"
        }
        return "PostgresError.\(code): \(message)"
    }

    public var debugDescription: String {
        var text = description
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if let query { text += "\nQUERY: \(query)" }
        return text
    }
}

extension PostgresError {
    static func cancelled(query: String? = nil) -> PostgresError {
        PostgresError(code: .cancelled, message: "the task was cancelled", query: query)
    }

    static func closed(query: String? = nil) -> PostgresError {
        PostgresError(code: .connectionClosed, message: "the connection is closed", query: query)
    }
}

extension ErrorCode where Owner == PostgresError {
    /// The server could not be reached or refused the connection for a reason other than credentials.
    public static var connectionFailed: Self { "connectionFailed" }
    /// The server rejected the credentials (wrong or missing password, unknown role).
    public static var authenticationFailed: Self { "authenticationFailed" }
    /// The server reported an error for a statement; `sqlState` says which.
    public static var server: Self { "server" }
    /// The connection was lost or closed; the next call on a `PostgresConnection` reconnects.
    public static var connectionClosed: Self { "connectionClosed" }
    /// A connect timeout or the server's `statement_timeout` expired.
    public static var timeout: Self { "timeout" }
    /// The calling task was cancelled; a running statement was cancelled on the server too.
    public static var cancelled: Self { "cancelled" }
    /// A column could not be decoded into the requested Swift type.
    public static var decoding: Self { "decoding" }
    /// A configuration, URL, identifier or argument is invalid.
    public static var invalidConfiguration: Self { "invalidConfiguration" }
    /// `COPY ... FROM STDIN` failed (bad data, or the writer threw).
    public static var copyFailed: Self { "copyFailed" }
    /// A migration could not be applied, or its recorded checksum differs from its SQL.
    public static var migrationFailed: Self { "migrationFailed" }
}
