import GantryPostgres

/// Where a repository sends its statements.
///
/// With a pool, each statement takes any free connection and commits on its own. With a connection,
/// statements run on it as they are, so they join the caller's open transaction, if any (for example
/// inside `ResultLedger.once`, where a job's effect and its result commit together). Repositories
/// therefore never open transactions themselves: each write is one statement, atomic on its own.
public enum StoreExecutor: Sendable {
    case pool(PostgresConnectionPool)
    case connection(PostgresConnection)

    @discardableResult
    func query(_ query: PostgresQuery) async throws -> PostgresResult {
        switch self {
        case .pool(let pool): try await pool.query(query)
        case .connection(let connection): try await connection.query(query)
        }
    }
}
