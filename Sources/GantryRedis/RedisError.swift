import GantryErrors

/// An error of the Redis client: a code to switch on, plus the context needed to act on it.
///
/// Printed in the shape of every Gantry error (`CodedError`): `timeout: timed out on redis://… (command
/// BLPOP)`. `description` never contains a password or a command's arguments (which may hold payloads or
/// secrets): only the first word of the command is kept, in `command`.
public struct RedisError: CodedError {
    /// What went wrong, as a stable value to switch on; `message` carries the detail.
    public typealias Code = ErrorCode<RedisError>

    /// What went wrong.
    public var code: Code
    /// Human-readable detail, never containing a password.
    public var message: String
    /// The first word of the command that failed (for example `"EVALSHA"`), never its arguments.
    public var command: String?

    public init(code: Code, message: String, command: String? = nil) {
        self.code = code
        self.message = message
        self.command = command
    }

    public var context: [(label: String, value: String?)] { [("command", command)] }
}

extension ErrorCode where Owner == RedisError {
    /// The TCP connection, or the SELECT after it, could not be made.
    public static var connectionFailed: Self { "connectionFailed" }
    /// AUTH was refused (wrong password or user).
    public static var authenticationFailed: Self { "authenticationFailed" }
    /// A read or write did not finish within its timeout; the connection was discarded.
    public static var timeout: Self { "timeout" }
    /// The connection was lost (EOF, reset) or closed by `close()`; the next call reconnects.
    public static var connectionClosed: Self { "connectionClosed" }
    /// The server sent bytes that are not valid RESP.
    public static var protocolError: Self { "protocolError" }
    /// The server answered with an error reply; `message` is its text.
    public static var serverError: Self { "serverError" }
    /// The awaiting task was cancelled; an in-flight read was interrupted and the connection discarded.
    public static var cancelled: Self { "cancelled" }
    /// A configuration or URL is not valid.
    public static var invalidConfiguration: Self { "invalidConfiguration" }
    /// A script is still missing from the server's cache after loading it.
    public static var noScript: Self { "noScript" }
    /// A call was made with arguments that cannot form a command (for example an empty command).
    public static var invalidArgument: Self { "invalidArgument" }
}
