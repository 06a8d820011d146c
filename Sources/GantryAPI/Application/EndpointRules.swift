/// How the API checks and makes what a notification endpoint holds: GantryDelivery's rules (the
/// address shape SMTP accepts, the Standard Webhooks secret format, its CSPRNG), injected by the
/// executable so the API neither links the delivery clients nor keeps a second copy of the rules.
public struct EndpointRules: Sendable {
    /// Whether an e-mail address is one `notify.send` can deliver to.
    public var isValidEmail: @Sendable (String) -> Bool
    /// Why a webhook secret given by a client is unusable, or nil when it is fine.
    public var secretProblem: @Sendable (String) -> String?
    /// A new webhook secret, `whsec_` + base64 of random bytes.
    public var newSecret: @Sendable () -> String

    public init(
        isValidEmail: @escaping @Sendable (String) -> Bool, secretProblem: @escaping @Sendable (String) -> String?,
        newSecret: @escaping @Sendable () -> String
    ) {
        self.isValidEmail = isValidEmail
        self.secretProblem = secretProblem
        self.newSecret = newSecret
    }
}
