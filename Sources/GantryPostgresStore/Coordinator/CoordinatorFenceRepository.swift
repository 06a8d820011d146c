import GantryPostgres

/// The fence in PostgreSQL (`coordinator_fence`, one row): the highest leadership token that has
/// written. Every leader-only transaction starts with `claim`, so a leader whose term ended (it was
/// paused past its lock's expiry and a successor took over) can no longer change anything once
/// its successor has written. The claim's `UPDATE` also locks the row until the transaction ends,
/// which serialises leader transactions: an old leader's transaction that claimed first finishes
/// before the new leader's claim goes through, never interleaved with it.
public struct CoordinatorFenceRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// Raises the fence to `token`, or throws `superseded` (naming the current token) when a newer
    /// token has already written. Call it first in the transaction it guards.
    public func claim(_ token: UInt64, holder: String) async throws {
        guard let t = Int64(exactly: token) else {
            throw CoordinatorFenceError(.invalidToken, token: token, current: nil, holder: nil, message: "a fencing token must fit a bigint")
        }
        let updated = try await executor.query(
            """
            UPDATE coordinator_fence SET token = \(t), holder = \(holder), updated_at = now()
            WHERE id = 1 AND token <= \(t) RETURNING token
            """)
        guard updated.rows.isEmpty else { return }
        let now = try await current()
        throw CoordinatorFenceError(
            .superseded, token: token, current: now.token, holder: now.holder,
            message: "a newer coordinator (token \(now.token)) has already written; this leader's term is over")
    }

    /// The highest token that has written, and its holder.
    public func current() async throws -> (token: UInt64, holder: String?) {
        let rows = try await executor.query("SELECT token, holder FROM coordinator_fence WHERE id = 1")
        guard let row = rows.first else { return (0, nil) }
        return (UInt64(max(0, try row.decode(0, as: Int64.self))), try row.decode(1, as: String?.self))
    }
}

extension RepositorySource {
    /// The coordinator's fencing token in PostgreSQL.
    public var coordinatorFence: CoordinatorFenceRepository { CoordinatorFenceRepository(executor: executor) }
    /// Cron schedules and their firings.
    public var schedules: ScheduleRepository { ScheduleRepository(executor: executor) }
}
