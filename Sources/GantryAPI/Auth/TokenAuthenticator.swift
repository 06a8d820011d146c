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
        // "Bearer " (scheme case-insensitive), then a token of sane length: a megabyte of header is
        // refused before it is hashed.
        let utf8 = header.utf8
        guard utf8.count > 7, utf8.count <= 512, Self.startsWithBearer(utf8) else {
            throw APIError(401, "unauthorized", "the Authorization header is not 'Bearer <token>'")
        }
        let token = String(Substring(utf8.dropFirst(7)))
        guard !token.isEmpty, !token.utf8.contains(0x20) else {
            throw APIError(401, "unauthorized", "the bearer token is empty or has spaces")
        }
        let now = Monotonic.nowNs()
        let record: APITokenRecord?
        // Keyed by the token itself, so a cached check costs one dictionary lookup and no SHA-256;
        // the store is asked (by hash) only on a miss.
        if let cached = cache.lookup(token: token, nowNs: now) {
            record = cached
        } else {
            do {
                record = try await repository.authenticate(hash: APITokenSecret.hash(of: token))
            } catch {
                throw APIError.unavailable("the token store (PostgreSQL)")
            }
            cache.store(token: token, record: record, nowNs: now)
        }
        guard let record else { throw APIError(401, "unauthorized", "the bearer token is unknown or revoked") }
        return record
    }

    private static func startsWithBearer(_ utf8: String.UTF8View) -> Bool {
        var i = utf8.startIndex
        for expected in "bearer ".utf8 {
            // ASCII letters compare case-insensitively by their 0x20 bit; the space must be exact.
            let c = utf8[i]
            guard c == expected || (expected != 0x20 && c | 0x20 == expected) else { return false }
            i = utf8.index(after: i)
        }
        return true
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
