/// A webhook's signing secret (`whsec_…`) in memory: what the endpoint repository hands out after
/// opening the sealed column. Prints as redacted everywhere (`description`, `debugDescription`,
/// `dump`), so a record, an error or a log line that carries it never shows it; `text` is the one
/// way to the secret, for the signer.
public struct NotificationSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// `whsec_` + base64 of the key.
    public let text: String

    public init(_ text: String) { self.text = text }

    public var description: String { "whsec_…(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Encrypts webhook secrets for `notification_endpoints.secret_sealed` and decrypts them again.
/// GantryJobs' `SecretKeyRing` is the implementation (AES-GCM under `GANTRY_SECRET_KEY`); the store
/// knows only this seam, so it holds no key and no cipher.
public protocol NotificationSecretSealer: Sendable {
    /// `gs1:<key id>:<base64>`, under the current key.
    func seal(_ secret: String) throws -> String
    /// The plain secret, and whether it was sealed under an older key (then the repository seals it
    /// again under the current one).
    func open(_ sealed: String) throws -> (secret: String, isUnderOlderKey: Bool)
}
