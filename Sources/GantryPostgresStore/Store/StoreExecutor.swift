import GantryPostgres

/// Where a repository sends its statements.
///
/// With a pool, each statement takes any free connection and commits on its own. With a connection,
/// statements run on it as they are, so they join the caller's open transaction, if any (for example
/// inside `ResultLedger.once`, where a job's effect and its result commit together). Repositories
/// therefore never open transactions themselves, except through `transaction`, which on a connection
/// is the caller's.
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

    /// Runs `body` in a transaction of its own on a pool, or on the connection (inside the caller's
    /// transaction, if any) when built on one.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        switch self {
        case .pool(let pool): try await pool.transaction(body)
        case .connection(let connection): try await body(connection)
        }
    }
}

/// A repository: a set of statements over one `StoreExecutor`. Built on a pool each call commits
/// on its own; built on a connection its calls join that connection's open transaction.
public protocol StoreRepository: Sendable {
    init(executor: StoreExecutor)
}

extension StoreRepository {
    public init(pool: PostgresConnectionPool) { self.init(executor: .pool(pool)) }
    /// Statements run on `connection` and join its open transaction, if any.
    public init(connection: PostgresConnection) { self.init(executor: .connection(connection)) }
}
