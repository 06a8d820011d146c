import FoundationEssentials
import GantryPostgresStore
import Synchronization

/// Remembers, for a short TTL, which bearer tokens are live and with which scopes, so a busy API
/// checks a token in memory instead of asking PostgreSQL on every request. The price is that a
/// revoked token keeps working for at most `ttl` (the README says how long). Unknown tokens are
/// remembered too, so a client hammering with a bad token costs one query per TTL, not one per request.
/// Bounded: when full, unknown and expired entries go first; only live tokens filling it on their own
/// empty it (the next requests refill it).
final class TokenCache: Sendable {
    struct Entry: Sendable {
        var record: APITokenRecord?
        var expiresAtNs: UInt64
    }

    let ttlNs: UInt64
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(ttl: Duration, capacity: Int) {
        let c = ttl.components
        ttlNs = UInt64(max(0, c.seconds)) * 1_000_000_000 + UInt64(max(0, c.attoseconds / 1_000_000_000))
        self.capacity = max(1, capacity)
    }

    /// `.some(record)` (nil record: known to be bad) while fresh; nil when it must be looked up.
    func lookup(token: String, nowNs: UInt64) -> APITokenRecord?? {
        entries.withLock { e in
            guard let entry = e[token], entry.expiresAtNs > nowNs else { return nil }
            return .some(entry.record)
        }
    }

    func store(token: String, record: APITokenRecord?, nowNs: UInt64) {
        entries.withLock { e in
            if e.count >= capacity, e[token] == nil {
                // Unknown tokens go first, and all at once (a flood of made-up tokens costs one sweep per
                // `capacity` of them), so they can never push out the live tokens of real clients.
                e = e.filter { $0.value.record != nil && $0.value.expiresAtNs > nowNs }
                if e.count >= capacity {
                    guard record != nil else { return }
                    e.removeAll(keepingCapacity: true)
                }
            }
            e[token] = Entry(record: record, expiresAtNs: nowNs &+ ttlNs)
        }
    }

    /// Forgets every entry at once: a token revoked through this API stops working here immediately.
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
