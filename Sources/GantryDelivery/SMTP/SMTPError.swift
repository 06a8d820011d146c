/// A conversation with the SMTP relay that did not end in "250 queued".
public struct SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// No connection (refused, unreachable, DNS).
        public static let connectionFailed = Code(name: "connectionFailed")
        /// The relay closed the connection or sent what is not SMTP.
        public static let protocolViolation = Code(name: "protocolViolation")
        /// The relay answered a command with a 4xx or 5xx reply (`replyCode`).
        public static let rejected = Code(name: "rejected")
        /// The conversation overran `SMTPConfiguration.timeout`.
        public static let timedOut = Code(name: "timedOut")
        /// STARTTLS was required but not offered, or credentials would have gone out in clear.
        public static let insecure = Code(name: "insecure")
        /// An address or message that cannot be sent as is.
        public static let invalidMessage = Code(name: "invalidMessage")
    }

    public var code: Code
    /// The relay's reply code, for `rejected`.
    public var replyCode: Int?
    /// The command that was answered, e.g. `RCPT TO`.
    public var command: String?
    public var message: String

    public init(_ code: Code, replyCode: Int? = nil, command: String? = nil, _ message: String) {
        self.code = code
        self.replyCode = replyCode
        self.command = command
        self.message = message
    }

    public var description: String {
        var s = "\(code)"
        if let command { s += " after \(command)" }
        if let replyCode { s += " (\(replyCode))" }
        return s + ": \(message)"
    }
}
