import FoundationEssentials
import GantryPostgresStore
import HTTPTypes

/// The token a request was authenticated with, for handlers that need it (idempotency keys are
/// kept per token, so two clients cannot collide on the same key).
enum RequestToken {
    @TaskLocal static var current: APITokenRecord?
}

/// Checks `Authorization: Bearer …` against the token store through the `TokenCache`.
struct TokenAuthenticator: Sendable {
    let repository: APITokenRepository
    let cache: TokenCache

    /// The live token, or 401 (none, malformed, unknown or revoked). A store that does not answer is
    /// 503: the client did nothing wrong.
    func authenticate(_ header: String?) async throws -> APITokenRecord {
        guard let header else {
            throw APIError(401, "unauthorized", "this operation needs a bearer token (Authorization: Bearer gty_…)")
        }
        let utf8 = header.utf8
        // "Bearer " (scheme case-insensitive), then a token of sane length: a megabyte of header is
        // refused before it is hashed.
        guard utf8.count > 7, utf8.count <= 512, header.prefix(7).lowercased() == "bearer " else {
            throw APIError(401, "unauthorized", "the Authorization header is not 'Bearer <token>'")
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw APIError(401, "unauthorized", "the bearer token is empty") }
        let hash = APITokenSecret.hash(of: token)
        let now = Monotonic.nowNs()
        let record: APITokenRecord?
        if let cached = cache.lookup(hash: hash, nowNs: now) {
            record = cached
        } else {
            do {
                record = try await repository.authenticate(hash: hash)
            } catch {
                throw APIError.unavailable("the token store (PostgreSQL)")
            }
            cache.store(hash: hash, record: record, nowNs: now)
        }
        guard let record else { throw APIError(401, "unauthorized", "the bearer token is unknown or revoked") }
        return record
    }
}

/// Nanoseconds of a monotonic clock, for TTLs, rate limits and latencies.
enum Monotonic {
    private static let origin = ContinuousClock.now
    static func nowNs() -> UInt64 {
        let c = origin.duration(to: .now).components
        return UInt64(max(0, c.seconds)) &* 1_000_000_000 &+ UInt64(max(0, c.attoseconds / 1_000_000_000))
    }
}
