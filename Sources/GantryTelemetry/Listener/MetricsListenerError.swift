import GantryErrors

/// Why the metrics listener could not start.
public struct MetricsListenerError: CodedError {
    public let code: ErrorCode<MetricsListenerError>
    public let message: String
    /// `host:port` as given.
    public let address: String

    public init(_ code: ErrorCode<MetricsListenerError>, _ message: String, address: String) {
        self.code = code
        self.message = message
        self.address = address
    }

    public var context: [(label: String, value: String?)] { [("address", address)] }
}

extension ErrorCode where Owner == MetricsListenerError {
    /// The host does not resolve, or the port is out of range.
    public static var badAddress: Self { "badAddress" }
    /// The socket could not be bound or listen (the port is busy, or needs privileges).
    public static var cannotListen: Self { "cannotListen" }
}
