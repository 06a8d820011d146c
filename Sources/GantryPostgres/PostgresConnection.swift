import FoundationEssentials
import Glibc
import Logging

/// One session with PostgreSQL over libpq.
///
/// libpq blocks, so each connection owns a dedicated OS thread that owns the `PGconn*` and runs every call;
/// the async methods hand work to that thread and suspend, so Swift's cooperative pool is never blocked.
///
/// Statements run one at a time in the order they were submitted. A connection is meant for one task at a
/// time (a transaction on a shared connection would include whatever other tasks send meanwhile); use
/// `PostgresConnectionPool` for concurrency.
///
/// - Cancellation: cancelling the calling task drops a statement that has not started and sends `PQcancel`
///   for one that is running; the call then throws `.cancelled` (unless the statement finished first, in
///   which case its result is returned). The connection stays usable.
/// - Lost connections: the failing call throws `.connectionClosed`; the next call reconnects.
public final class PostgresConnection: Sendable {
    public let configuration: PostgresConfiguration
    let logger: Logger
    let thread: ConnectionThread

    private init(configuration: PostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.thread = ConnectionThread(configuration: configuration, logger: logger)
    }

    deinit {
        thread.close()
    }

    /// Opens a connection (on its own thread) and waits until the server accepted it.
    /// - Throws: `.authenticationFailed` for bad credentials, `.timeout` when `connectTimeout` expired,
    ///   `.connectionFailed` otherwise. Messages never contain the password. Cancelling the task does not
    ///   interrupt a connect in progress (libpq offers no cancel before the session exists); it ends within
    ///   `connectTimeout`.
    public static func connect(
        configuration: PostgresConfiguration, logger: Logger = Logger(label: "gantry.postgres")
    ) async throws -> PostgresConnection {
        let connection = PostgresConnection(configuration: configuration, logger: logger)
        do {
            try await connection.thread.submit { connection throws(PostgresError) in try connection.ensureConnected() }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Runs one statement with its binds (`PQexecParams`; text-format results).
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresResult {
        logger.trace("query", metadata: ["sql": "\(query.sql)"])
        return try await traced(query.sql) {
            try await thread.submit(query: query.sql) { connection throws(PostgresError) in try connection.execute(query) }
        }
    }

    /// Runs several `;`-separated statements that take no parameters, such as a migration script.
    ///
    /// The text is sent as-is (simple query protocol), hence `unsafe`: never build it from input.
    public func execute(unsafeSQL sql: String) async throws {
        try await traced(sql) {
            try await thread.submit(query: sql) { connection throws(PostgresError) in try connection.executeScript(sql) }
        }
    }

    /// Runs `body` between `BEGIN` and `COMMIT`; when `body` throws, sends `ROLLBACK` and rethrows its error.
    ///
    /// The `ROLLBACK` is sent even when the task was cancelled, so the session is never left in a transaction.
    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await query("BEGIN")
        let value: T
        do {
            value = try await body(self)
            try await query("COMMIT")
        } catch {
            await rollback()
            throw error
        }
        return value
    }

    /// Runs a statement even from a cancelled task, for clean-up that must happen (unlocks).
    @discardableResult
    func queryUncancellable(_ query: PostgresQuery) async throws -> PostgresResult {
        try await thread.submit(cancellable: false, query: query.sql) { connection throws(PostgresError) in
            try connection.execute(query)
        }
    }

    func rollback() async {
        do {
            try await thread.submit(cancellable: false, query: "ROLLBACK") { connection throws(PostgresError) in
                _ = try connection.execute("ROLLBACK")
            }
        } catch {
            logger.warning("ROLLBACK failed", metadata: ["error": "\(error)"])
        }
    }

    /// Runs `COPY ... FROM STDIN` (text format) and feeds it the rows that `write` appends.
    ///
    /// `write` runs first and its rows are buffered in memory, then sent in large chunks on the connection
    /// thread; if `write` throws, nothing is sent and its error is rethrown.
    /// - Returns: the number of rows the server copied.
    public func copyFrom(_ copyStatement: PostgresQuery, _ write: (inout PostgresCopyWriter) throws -> Void)
        async throws -> Int
    {
        var writer = PostgresCopyWriter()
        try write(&writer)
        let data = writer.buffer
        return try await traced(copyStatement.sql) {
            try await thread.submit(query: copyStatement.sql) { connection throws(PostgresError) in
                try connection.copyIn(copyStatement, data: data)
            }
        }
    }

    /// Sends every query in libpq pipeline mode, then reads every result: one round trip for the batch.
    ///
    /// The batch ends with a single Sync, so PostgreSQL runs it as one implicit transaction (unless the
    /// queries contain their own BEGIN/COMMIT): if any statement fails, the earlier ones are rolled back,
    /// the later ones are skipped, and the first error is thrown. All or nothing.
    /// - Returns: one result per query, in order.
    public func pipeline(_ queries: [PostgresQuery]) async throws -> [PostgresResult] {
        if queries.isEmpty { return [] }
        return try await traced(queries.map(\.sql).joined(separator: ";\n")) {
            try await thread.submit(query: queries.first?.sql) { connection throws(PostgresError) in
                try connection.pipeline(queries)
            }
        }
    }

    /// Starts listening on `channel` and returns the stream of its notifications.
    ///
    /// The connection thread waits on the server socket while idle, so notifications arrive without any
    /// polling. Ending the stream (dropping it, or cancelling the task iterating it) removes the listener and,
    /// for the last one of a channel, sends `UNLISTEN`. After a lost connection the thread reconnects and
    /// listens again; notifications sent while disconnected are lost (PostgreSQL does not keep them).
    /// `close()` finishes every stream. The channel name is used exactly (it is quoted as an identifier).
    public func listen(_ channel: String) async throws -> AsyncStream<PostgresNotification> {
        let (stream, continuation) = AsyncStream.makeStream(of: PostgresNotification.self)
        let thread = self.thread
        let id = thread.nextListenerID()
        // Registered on the connection thread right after LISTEN succeeds, so no notification that the
        // server delivers after the LISTEN can slip past.
        try await thread.submit(query: "LISTEN") { connection throws(PostgresError) in
            try connection.listen(channel)
            thread.addListener(channel: channel, id: id, continuation: continuation)
        }
        continuation.onTermination = { [weak thread] _ in
            thread?.removeListener(channel: channel, id: id)
        }
        return stream
    }

    /// Sends `payload` on `channel` (`pg_notify`, so both are binds). Delivered when the transaction commits.
    public func notify(_ channel: String, payload: String) async throws {
        try await query("SELECT pg_notify(\(channel), \(payload))")
    }

    /// Closes the connection: queued calls fail with `.connectionClosed`, listener streams end, a running
    /// statement is cancelled on the server (its call throws `.cancelled`), and the thread disconnects.
    /// Idempotent; also runs when the connection is freed.
    public func close() {
        thread.close()
    }

    /// Whether `close()` was called.
    public var isClosed: Bool { thread.isClosed }

    /// True when the session is connected and not inside a transaction, as of the last statement.
    var isReusable: Bool { !thread.isClosed && thread.health == .idle }
}
