import Crypto
import FoundationEssentials

/// What an API token may do. `admin` manages tokens; it does not imply the others.
public enum APITokenScope: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case submit, read, admin

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// `submit,read` → the set; a name that is not a scope is refused with the list of scopes.
    public static func parse(_ text: String) throws(APITokenError) -> Set<APITokenScope> {
        var scopes: Set<APITokenScope> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(part.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
            guard let scope = APITokenScope(rawValue: name) else {
                throw APITokenError(.invalidScope, "'\(name)' is not a scope (submit, read, admin)")
            }
            scopes.insert(scope)
        }
        guard !scopes.isEmpty else { throw APITokenError(.invalidScope, "a token needs at least one scope") }
        return scopes
    }
}

/// A token as stored: never the token itself, only its hash and first characters.
public struct APITokenRecord: Sendable, Hashable {
    public var id: UUID
    public var name: String
    /// The token's first characters (`gty_AbCd1234`), to tell tokens apart in a list.
    public var prefix: String
    public var scopes: Set<APITokenScope>
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public var isRevoked: Bool { revokedAt != nil }
}

/// A bearer token's secret: `gty_` and 43 characters of base64url (256 random bits). Made by
/// `gantry tokens create` and shown once; only `hash` is ever stored.
public struct APITokenSecret: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init(value: String) { self.value = value }

    /// A new token from the system's cryptographic random source.
    public static func generate() -> APITokenSecret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return APITokenSecret(value: "gty_" + Self.base64URL(bytes))
    }

    /// Lower-case hex SHA-256 of the token, as `api_tokens.token_hash` keeps it.
    public var hash: String { Self.hash(of: value) }

    public static func hash(of token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public var prefix: String { String(value.prefix(12)) }

    /// Redacted: a token is shown once, by `gantry tokens create`, and never logged.
    public var description: String { "\(prefix)…" }

    static func base64URL(_ bytes: [UInt8]) -> String {
        String(Data(bytes).base64EncodedString().compactMap { c -> Character? in
            switch c {
            case "+": "-"
            case "/": "_"
            case "=": nil
            default: c
            }
        })
    }
}

/// Why a token operation was refused.
public struct APITokenError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        public static let invalidScope = Code("invalid_scope")
        public static let invalidName = Code("invalid_name")
        public static let notFound = Code("not_found")
        public static let corruptRow = Code("corrupt_row")
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code): \(message)" }
}
