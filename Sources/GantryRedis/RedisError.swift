/// An error of the Redis client: a code to switch on, plus the context needed to act on it.
///
/// `description` never contains a password or a command's arguments (which may hold
/// payloads or secrets): only the first word of the command is kept, in `command`.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable value to switch on; `message` carries the detail.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case connectionFailed, authenticationFailed, timeout, connectionClosed, protocolError
            case serverError, cancelled, invalidConfiguration, noScript, invalidArgument
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The TCP connection, or the SELECT after it, could not be made.
        public static let connectionFailed = Code(.connectionFailed)
        /// AUTH was refused (wrong password or user).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// A read or write did not finish within its timeout; the connection was discarded.
        public static let timeout = Code(.timeout)
        /// The connection was lost (EOF, reset) or closed by `close()`; the next call reconnects.
        public static let connectionClosed = Code(.connectionClosed)
        /// The server sent bytes that are not valid RESP.
        public static let protocolError = Code(.protocolError)
        /// The server answered with an error reply; `message` is its text.
        public static let serverError = Code(.serverError)
        /// The awaiting task was cancelled; an in-flight read was interrupted and the connection discarded.
        public static let cancelled = Code(.cancelled)
        /// A configuration or URL is not valid.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A script is still missing from the server's cache after loading it.
        public static let noScript = Code(.noScript)
        /// A call was made with arguments that cannot form a command (for example an empty command).
        public static let invalidArgument = Code(.invalidArgument)

        public var description: String { base.rawValue }
    }

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

    public var description: String {
        if let command {
            return "RedisError(\(code), \(command)): \(message)"
        }
        return "RedisError(\(code)): \(message)"
    }
}
