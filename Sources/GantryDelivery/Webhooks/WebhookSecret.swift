import FoundationEssentials
import Glibc

/// A Standard Webhooks signing secret: `whsec_` + base64 of 24–64 random bytes. The prefix tells
/// people (and secret scanners) what it is; the bytes after it are the HMAC key.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public static let prefix = "whsec_"
    public static let keyLengths = 24...64

    /// The HMAC-SHA256 key.
    public let key: [UInt8]

    /// Parses `whsec_…`; throws when the prefix, the base64 or the key's length is wrong.
    public init(_ text: String) throws(WebhookSignatureError) {
        guard text.hasPrefix(Self.prefix) else {
            throw WebhookSignatureError(.invalidSecret, "a webhook secret starts with \(Self.prefix)")
        }
        guard let data = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))) else {
            throw WebhookSignatureError(.invalidSecret, "a webhook secret is base64 after \(Self.prefix)")
        }
        guard Self.keyLengths.contains(data.count) else {
            throw WebhookSignatureError(
                .invalidSecret, "a webhook secret holds 24 to 64 bytes, this one \(data.count)")
        }
        key = Array(data)
    }

    public init(key: [UInt8]) throws(WebhookSignatureError) {
        guard Self.keyLengths.contains(key.count) else {
            throw WebhookSignatureError(.invalidSecret, "a webhook secret holds 24 to 64 bytes, this one \(key.count)")
        }
        self.key = key
    }

    /// A new secret of `bytes` random bytes (32 by default) from the system's CSPRNG (getrandom on Linux).
    public static func generate(bytes: Int = 32) -> WebhookSecret {
        var generator = SystemRandomNumberGenerator()
        let count = min(max(bytes, keyLengths.lowerBound), keyLengths.upperBound)
        let key = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        // The count is clamped into keyLengths above.
        return try! WebhookSecret(key: key)
    }

    /// `whsec_` + base64: what endpoints store and receivers are given.
    public var text: String { Self.prefix + Data(key).base64EncodedString() }

    /// Never prints the key: not in `description`, `debugDescription` nor `dump`.
    public var description: String { "whsec_…(\(key.count) bytes)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["bytes": key.count], displayStyle: .struct) }
}
