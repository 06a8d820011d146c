import GantryThreads
import Logging

/// A fixed-size set of connections shared by many tasks.
///
/// Connections are created lazily, up to `size`; a task that finds none free waits (suspended,
/// not blocking a thread) until one is returned. A connection that lost its server stays in the
/// pool: it reconnects on its next call. The lending rules are GantryThreads' `ConnectionPool`.
public final class RedisConnectionPool: Sendable {
    /// Opens Redis connections for the pool. They reconnect by themselves, so every one that comes
    /// back is reusable (the source's default).
    struct Source: PooledConnectionSource {
        let configuration: RedisConfiguration
        let logger: Logger

        func openConnection() async throws -> RedisConnection {
            try await RedisConnection.connect(configuration: configuration, logger: logger)
        }

        func error(for failure: PoolFailure) -> any Error {
            switch failure {
            case .closed: RedisError(code: .connectionClosed, message: "the connection pool was closed")
            case .cancelled: RedisError(code: .cancelled, message: "cancelled while waiting for a pooled connection")
            case .timedOut: RedisError(code: .timeout, message: "no pooled connection came free in time")
            }
        }
    }

    /// The server of every connection.
    public let configuration: RedisConfiguration
    /// The most connections this pool opens.
    public let size: Int
    private let pool: ConnectionPool<Source, ContinuousClock>

    /// A pool of at most `size` connections (at least 1); none is opened until first used.
    public init(configuration: RedisConfiguration, size: Int, logger: Logger = Logger(label: "gantry.redis")) {
        self.configuration = configuration
        self.size = max(1, size)
        self.pool = ConnectionPool(source: Source(configuration: configuration, logger: logger), capacity: self.size)
    }

    /// Lends a connection to `body` and takes it back when `body` returns or throws.
    public func withConnection<T: Sendable>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        try await pool.withConnection(body)
    }

    /// Sends one command on a pooled connection; see `RedisConnection.send(_:)`.
    public func send(_ arguments: [RedisArgument]) async throws -> RESPValue {
        try await withConnection { try await $0.send(arguments) }
    }

    /// Sends many commands in one round trip on a pooled connection; see `RedisConnection.pipeline(_:)`.
    public func pipeline(_ commands: [[RedisArgument]]) async throws -> [RESPValue] {
        try await withConnection { try await $0.pipeline(commands) }
    }

    /// Runs a script on a pooled connection; see `RedisConnection.run(_:keys:arguments:)`.
    public func run(_ script: RedisScript, keys: [RedisArgument], arguments: [RedisArgument]) async throws -> RESPValue {
        try await withConnection { try await $0.run(script, keys: keys, arguments: arguments) }
    }

    /// Closes idle connections, fails waiting tasks with `.connectionClosed`, and closes lent
    /// connections as they come back. Later calls throw `.connectionClosed`. Idempotent.
    public func close() async {
        pool.close()
    }
}

extension RedisConnection: ClosableConnection {}
