import Foundation
import GantryCoordinator
import GantryRedis
import GantryTesting
import Logging
import Synchronization

/// Shared pieces of the coordinator's integration tests: the test Redis, lock keys of their own per
/// test, and a lock that can be cut off from Redis as a dead or partitioned holder would be.
enum CoordinatorTestSupport {
    static func redisPool() throws -> RedisConnectionPool {
        RedisConnectionPool(configuration: try RedisConfiguration(url: TestServers.redisURL()), size: 4)
    }

    /// A lock on keys no other test uses.
    static func lock(_ pool: RedisConnectionPool, prefix: String) -> RedisLeaderLock {
        RedisLeaderLock(pool: pool, lockKey: "\(prefix):leader", fenceKey: "\(prefix):fence")
    }

    static func uniquePrefix() -> String { "gantry-coordinator-test:\(UUID().uuidString)" }

    /// Short terms, so failovers take a second, not several.
    static let fastElection = LeaderElection.Configuration(
        ttl: .seconds(1), renewInterval: .milliseconds(300), margin: .milliseconds(250), retryInterval: .milliseconds(150))

    static let logger = Logger(label: "gantry.coordinator.test")
}

/// A leader lock that stops reaching Redis once `sever()` is called: every call then fails, as
/// for a holder that was killed or cut off (it can neither renew nor release).
final class SeverableLock: LeaderLock {
    let base: RedisLeaderLock
    private let severed = Atomic<Bool>(false)

    init(_ base: RedisLeaderLock) { self.base = base }

    func sever() { severed.store(true, ordering: .releasing) }

    private func check() throws {
        if severed.load(ordering: .acquiring) { throw RedisError(code: .connectionFailed, message: "severed by the test") }
    }

    func acquire(holder: String, ttl: Duration) async throws -> UInt64? {
        try check()
        return try await base.acquire(holder: holder, ttl: ttl)
    }

    func renew(holder: String, token: UInt64, ttl: Duration) async throws -> Bool {
        try check()
        return try await base.renew(holder: holder, token: token, ttl: ttl)
    }

    func release(holder: String, token: UInt64) async throws {
        try check()
        try await base.release(holder: holder, token: token)
    }
}

/// What one elector went through, in order, each change with the time it was heard.
final class ChangeLog: Sendable {
    struct Entry: Sendable {
        var elected: Bool
        var token: UInt64
        var at: ContinuousClock.Instant
    }
    private let entries = Mutex<[Entry]>([])

    func record(_ change: LeaderElector.Change) {
        let entry: Entry
        switch change {
        case .elected(let term): entry = Entry(elected: true, token: term.token, at: .now)
        case .deposed(let term, _): entry = Entry(elected: false, token: term.token, at: .now)
        }
        entries.withLock { $0.append(entry) }
    }

    var all: [Entry] { entries.withLock { $0 } }
    /// The token it leads with now, if it leads.
    var leading: UInt64? { all.last.flatMap { $0.elected ? $0.token : nil } }
}
