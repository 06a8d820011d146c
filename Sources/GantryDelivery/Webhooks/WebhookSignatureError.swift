import GantryErrors

/// A webhook secret or signature that cannot be used.
public struct WebhookSignatureError: CodedError, Hashable {
    public typealias Code = ErrorCode<WebhookSignatureError>

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

extension ErrorCode where Owner == WebhookSignatureError {
    public static var invalidSecret: Self { "invalidSecret" }
}
