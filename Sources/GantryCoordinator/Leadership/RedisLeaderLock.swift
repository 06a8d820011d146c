import GantryRedis

/// The leader lock in Redis: `gantry:coordinator:leader` holds `<coordinator ID>:<token>` with an
/// expiry, and `gantry:coordinator:fence` counts acquisitions. Each transition is one Lua script, so
/// taking the lock and drawing its token cannot be separated by a crash (no token is ever handed
/// to two holders, and no lock is held without one), and renew and release change the lock only
/// while its value is still the caller's (a check-and-set a plain `PEXPIRE` or `DEL` could not do).
///
/// The two keys have no common hash tag: the coordinator runs against a single Redis (or a
/// cluster's node that holds both, once they are tagged); the queues' keys are the cluster-ready ones.
public struct RedisLeaderLock: LeaderLock {
    public static let lockKey = "gantry:coordinator:leader"
    public static let fenceKey = "gantry:coordinator:fence"

    let pool: RedisConnectionPool
    let lockKey: String
    let fenceKey: String

    public init(pool: RedisConnectionPool, lockKey: String = Self.lockKey, fenceKey: String = Self.fenceKey) {
        self.pool = pool
        self.lockKey = lockKey
        self.fenceKey = fenceKey
    }

    /// `SET NX PX` and `INCR` together. KEYS: lock, fence. ARGV: holder, ttl ms.
    static let acquireScript = RedisScript(
        """
        if redis.call('EXISTS', KEYS[1]) == 1 then return false end
        local token = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
        return token
        """)

    /// KEYS: lock. ARGV: value, ttl ms.
    static let renewScript = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """)

    /// KEYS: lock. ARGV: value.
    static let releaseScript = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """)

    public func acquire(holder: String, ttl: Duration) async throws -> UInt64? {
        let reply = try await pool.run(
            Self.acquireScript, keys: [RedisArgument(lockKey), RedisArgument(fenceKey)],
            arguments: [RedisArgument(holder), RedisArgument(Self.milliseconds(ttl))])
        if reply.isNull { return nil }
        guard let token = reply.int, token > 0 else {
            throw RedisError(code: .protocolError, message: "the leader lock's acquire script answered \(reply)")
        }
        return UInt64(token)
    }

    public func renew(holder: String, token: UInt64, ttl: Duration) async throws -> Bool {
        let reply = try await pool.run(
            Self.renewScript, keys: [RedisArgument(lockKey)],
            arguments: [RedisArgument("\(holder):\(token)"), RedisArgument(Self.milliseconds(ttl))])
        return reply.int == 1
    }

    public func release(holder: String, token: UInt64) async throws {
        _ = try await pool.run(Self.releaseScript, keys: [RedisArgument(lockKey)], arguments: [RedisArgument("\(holder):\(token)")])
    }

    /// Whether any coordinator holds the lock now (what workers check to leave housekeeping to it).
    public func isHeld() async throws -> Bool {
        try await pool.send([RedisArgument("EXISTS"), RedisArgument(lockKey)]).int == 1
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        let (seconds, attoseconds) = d.components
        return max(1, seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
    }
}
