import GantryErrors

/// A conversation with the SMTP relay that did not end in "250 queued".
public struct SMTPError: CodedError, Hashable {
    public typealias Code = ErrorCode<SMTPError>

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

extension ErrorCode where Owner == SMTPError {
    /// No connection (refused, unreachable, DNS).
    public static var connectionFailed: Self { "connectionFailed" }
    /// The relay closed the connection or sent what is not SMTP.
    public static var protocolViolation: Self { "protocolViolation" }
    /// The relay answered a command with a 4xx or 5xx reply (`replyCode`).
    public static var rejected: Self { "rejected" }
    /// The conversation overran `SMTPConfiguration.timeout`.
    public static var timedOut: Self { "timedOut" }
    /// STARTTLS was required but not offered, or credentials would have gone out in clear.
    public static var insecure: Self { "insecure" }
    /// An address or message that cannot be sent as is.
    public static var invalidMessage: Self { "invalidMessage" }
}
