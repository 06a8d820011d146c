import GantryErrors
import Crypto
import FoundationEssentials
import GantryPostgresStore

/// The keys that seal webhook secrets at rest (AES-256-GCM): the current one seals, it and the
/// previous ones open. From `GANTRY_SECRET_KEY` and `GANTRY_SECRET_KEY_PREVIOUS`, each 32 random
/// bytes in base64 (`openssl rand -base64 32`).
///
/// A sealed secret reads `gs1:<key id>:<base64 of nonce, ciphertext and tag>`. The key id is derived
/// from the key (the first 4 bytes of a SHA-256 over it, in hex), so nobody has to name keys, and a
/// sealed value says which key opens it. Rotation: make a new key the current one and move the old
/// one to `GANTRY_SECRET_KEY_PREVIOUS`; each secret is sealed again under the new key the first time
/// it is read, and once every endpoint has been read the old key can go.
///
/// Prints only key ids, never key bytes.
public struct SecretKeyRing: NotificationSecretSealer, Sendable, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    struct Key: Sendable {
        var id: String
        var key: SymmetricKey
    }

    public static let keyBytes = 32
    static let format = "gs1"
    /// Binds a ciphertext to its use: a value sealed for something else does not open as a secret.
    static let context = Array("gantry notification_endpoints.secret".utf8)

    private let current: Key
    private let previous: [Key]

    /// `current` and `previous` are base64 of 32 bytes each; `previous` may be empty.
    public init(current: String, previous: [String] = []) throws(SecretKeyError) {
        self.current = try Self.key(current, variable: "GANTRY_SECRET_KEY")
        var older: [Key] = []
        for text in previous { older.append(try Self.key(text, variable: "GANTRY_SECRET_KEY_PREVIOUS")) }
        self.previous = older
    }

    /// From the environment's values: nil when `current` is unset or empty; throws when a key is
    /// malformed, naming the variable. `previous` is a comma-separated list.
    public static func fromEnvironment(current: String?, previous: String?) throws(SecretKeyError) -> SecretKeyRing? {
        guard let current, !current.isEmpty else {
            if let previous, !previous.isEmpty {
                throw SecretKeyError(.invalid, "GANTRY_SECRET_KEY_PREVIOUS is set but GANTRY_SECRET_KEY is not")
            }
            return nil
        }
        let older = (previous ?? "").split(separator: ",").map { String($0).filter { !$0.isWhitespace } }.filter {
            !$0.isEmpty
        }
        return try SecretKeyRing(current: current, previous: older)
    }

    /// A new key in the form `GANTRY_SECRET_KEY` takes (what `gantry dev` writes on first start).
    public static func generateKeyText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The id of the current key, as it appears in sealed values.
    public var currentKeyID: String { current.id }

    public func seal(_ secret: String) throws -> String {
        let box = try AES.GCM.seal(Array(secret.utf8), using: current.key, authenticating: Self.context)
        guard let combined = box.combined else {
            throw SecretKeyError(.unreadable, "AES-GCM gave no combined form")
        }
        return "\(Self.format):\(current.id):\(combined.base64EncodedString())"
    }

    public func open(_ sealed: String) throws -> (secret: String, isUnderOlderKey: Bool) {
        let parts = sealed.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.format, let combined = Data(base64Encoded: String(parts[2])) else {
            throw SecretKeyError(.unreadable, "not a sealed secret (\(Self.format):<key id>:<base64>)")
        }
        let id = String(parts[1])
        guard let key = ([current] + previous).first(where: { $0.id == id }) else {
            throw SecretKeyError(
                .unknownKey,
                "sealed under key \(id), which is neither GANTRY_SECRET_KEY (\(current.id)) nor in GANTRY_SECRET_KEY_PREVIOUS")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plain = try AES.GCM.open(box, using: key.key, authenticating: Self.context)
            return (String(decoding: plain, as: UTF8.self), key.id != current.id)
        } catch {
            throw SecretKeyError(.unreadable, "sealed under key \(id) but does not open with it (altered?)")
        }
    }

    public var description: String {
        "SecretKeyRing(current: \(current.id), previous: [\(previous.map(\.id).joined(separator: ", "))])"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["current": current.id, "previous": previous.map(\.id)], displayStyle: .struct)
    }

    static func key(_ text: String, variable: String) throws(SecretKeyError) -> Key {
        guard let data = Data(base64Encoded: text.filter { !$0.isWhitespace }), data.count == keyBytes else {
            throw SecretKeyError(
                .invalid, "\(variable) must be \(keyBytes) random bytes in base64 (openssl rand -base64 32)")
        }
        let digest = SHA256.hash(data: Array("gantry secret key id".utf8) + Array(data))
        let id = digest.prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return Key(id: id, key: SymmetricKey(data: data))
    }
}

/// A secret key that is missing, malformed or does not fit a sealed value. Its message names the
/// environment variable or the key id, never key bytes or a secret.
public struct SecretKeyError: CodedError, Hashable {
    public typealias Code = ErrorCode<SecretKeyError>

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "secret key \(code): \(message)" }
}

extension ErrorCode where Owner == SecretKeyError {
    /// GANTRY_SECRET_KEY (or a previous key) is not 32 bytes of base64.
    public static var invalid: Self { "invalid" }
    /// A sealed value names a key that is not configured.
    public static var unknownKey: Self { "unknownKey" }
    /// A sealed value is malformed or fails authentication.
    public static var unreadable: Self { "unreadable" }
}
