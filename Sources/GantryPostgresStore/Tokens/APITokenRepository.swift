import FoundationEssentials
import GantryCore
import GantryPostgres

/// Creates, lists, revokes and checks the API's bearer tokens (`api_tokens`). The CLI's `gantry
/// tokens` works through it directly against PostgreSQL, since the first token has to be made
/// before any API can check one.
public struct APITokenRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// Stores a new token's hash and returns the token itself, which is shown once and never again.
    public func create(name: String, scopes: Set<APITokenScope>) async throws -> (secret: APITokenSecret, record: APITokenRecord) {
        guard !name.isEmpty, name.count <= 100, ControlCharacters.first(in: name, allowLineBreaks: false) == nil else {
            throw APITokenError(.invalidName, "a token's name is 1-100 characters with no control characters")
        }
        guard !scopes.isEmpty else { throw APITokenError(.invalidScope, "a token needs at least one scope") }
        let secret = APITokenSecret.generate()
        let result = try await executor.query(
            """
            INSERT INTO api_tokens (id, name, token_hash, prefix, scopes)
            VALUES (\(UUID()), \(name), \(secret.hash), \(secret.prefix), \(Self.text(scopes)))
            RETURNING id, name, prefix, scopes, created_at, last_used_at, revoked_at
            """)
        guard let row = result.first else { throw APITokenError(.corruptRow, "INSERT INTO api_tokens returned no row") }
        return (secret, try Self.record(from: row))
    }

    /// Every token, newest first, revoked ones included.
    public func list() async throws -> [APITokenRecord] {
        let result = try await executor.query(
            "SELECT id, name, prefix, scopes, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY created_at DESC, id")
        return try result.map(Self.record(from:))
    }

    /// Revokes a token by its ID or by its prefix; true when one was revoked now.
    @discardableResult
    public func revoke(_ idOrPrefix: String) async throws -> Bool {
        let result: PostgresResult
        if let id = UUID(uuidString: idOrPrefix) {
            result = try await executor.query(
                "UPDATE api_tokens SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL RETURNING id")
        } else {
            result = try await executor.query(
                "UPDATE api_tokens SET revoked_at = now() WHERE prefix = \(idOrPrefix) AND revoked_at IS NULL RETURNING id")
        }
        return !result.rows.isEmpty
    }

    /// The live (not revoked) token whose hash is `hash`, or nil. Marks it used, at most once a
    /// minute, so a busy API does not write on every request.
    public func authenticate(hash: String) async throws -> APITokenRecord? {
        let result = try await executor.query(
            """
            SELECT id, name, prefix, scopes, created_at, last_used_at, revoked_at FROM api_tokens
            WHERE token_hash = \(hash) AND revoked_at IS NULL
            """)
        guard let row = result.first else { return nil }
        let record = try Self.record(from: row)
        if (record.lastUsedAt.map { Date().timeIntervalSince($0) > 60 }) ?? true {
            try await executor.query("UPDATE api_tokens SET last_used_at = now() WHERE id = \(record.id)")
        }
        return record
    }

    static func text(_ scopes: Set<APITokenScope>) -> String { scopes.sorted().map(\.rawValue).joined(separator: ",") }

    static func record(from row: PostgresRow) throws -> APITokenRecord {
        let text = try row.decode(3, as: String.self)
        let scopes: Set<APITokenScope>
        do {
            scopes = try APITokenScope.parse(text)
        } catch {
            throw APITokenError(.corruptRow, "api_tokens.scopes: \(error.message)")
        }
        return APITokenRecord(
            id: try row.decode(0, as: UUID.self), name: try row.decode(1, as: String.self),
            prefix: try row.decode(2, as: String.self), scopes: scopes, createdAt: try row.decode(4, as: Date.self),
            lastUsedAt: try row.decode(5, as: Date?.self), revokedAt: try row.decode(6, as: Date?.self))
    }
}
