/// The lock a coordinator must hold to lead, with a fencing token per acquisition. The seam
/// between `LeaderElector` and Redis (`RedisLeaderLock`).
public protocol LeaderLock: Sendable {
    /// Takes the lock for `ttl` when nobody holds it, and returns the new fencing token (strictly
    /// greater than every earlier one); nil when another coordinator holds it.
    func acquire(holder: String, ttl: Duration) async throws -> UInt64?
    /// Extends the lock by `ttl` when `holder` still holds it under `token`; false when it does not.
    func renew(holder: String, token: UInt64, ttl: Duration) async throws -> Bool
    /// Gives the lock up when `holder` still holds it under `token` (so the next coordinator takes
    /// over at once rather than after the expiry); does nothing otherwise.
    func release(holder: String, token: UInt64) async throws
}
