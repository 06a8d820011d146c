import GantryThreads
import Logging

/// A fixed-size pool of `PostgresConnection`s, opened lazily and shared by many tasks.
///
/// `withConnection` lends a connection to one task at a time; callers beyond `size` wait in FIFO order
/// (cancelling a waiting task stops its wait with `.cancelled`). A connection that comes back broken, closed
/// or still inside a transaction is closed and replaced on demand, so one dropped session never poisons
/// later callers. The lending rules are GantryThreads' `ConnectionPool`.
public final class PostgresConnectionPool: Sendable {
    /// Opens PostgreSQL connections for the pool, and keeps only sessions that are connected and idle.
    struct Source: PooledConnectionSource {
        let configuration: PostgresConfiguration
        let logger: Logger

        func openConnection() async throws -> PostgresConnection {
            try await PostgresConnection.connect(configuration: configuration, logger: logger)
        }

        func isReusable(_ connection: PostgresConnection) -> Bool {
            let reusable = connection.isReusable
            if !reusable { logger.info("discarding a pooled connection that is broken or still in a transaction") }
            return reusable
        }

        func error(for failure: PoolFailure) -> any Error {
            switch failure {
            case .closed: PostgresError(code: .connectionClosed, message: "the pool is closed")
            case .cancelled: PostgresError.cancelled()
            case .timedOut: PostgresError(code: .timeout, message: "no pooled connection came free in time")
            }
        }
    }

    public let configuration: PostgresConfiguration
    public let size: Int
    private let pool: ConnectionPool<Source, ContinuousClock>

    /// - Parameter size: the most connections open at once; at least 1.
    public init(
        configuration: PostgresConfiguration, size: Int, logger: Logger = Logger(label: "gantry.postgres.pool")
    ) {
        precondition(size > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.size = size
        self.pool = ConnectionPool(source: Source(configuration: configuration, logger: logger), capacity: size)
    }

    /// Lends a connection to `body` and takes it back afterwards, even when `body` throws.
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        // A cancelled task gets no connection, even an idle one: its statements would be cancelled anyway.
        if Task.isCancelled { throw PostgresError.cancelled() }
        return try await pool.withConnection(body)
    }

    /// Runs one statement on any pooled connection.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresResult {
        try await withConnection { try await $0.query(query) }
    }

    /// Runs `body` in a transaction on one pooled connection (see `PostgresConnection.transaction`).
    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { try await $0.transaction(body) }
    }

    /// Closes idle connections now and lent ones when they come back; waiting and later calls fail with
    /// `.connectionClosed`. Idempotent.
    public func close() async {
        pool.close()
    }
}

extension PostgresConnection: ClosableConnection {}
