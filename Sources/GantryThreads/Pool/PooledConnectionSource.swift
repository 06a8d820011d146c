/// What a `ConnectionPool` needs from a client: how to open, judge and close its connections, and
/// how to say that the pool could not lend one.
public protocol PooledConnectionSource: Sendable {
    associatedtype Connection: Sendable

    /// Opens a connection (for a slot the pool has reserved).
    func openConnection() async throws -> Connection
    /// Closes a connection the pool no longer keeps. Must not block.
    func closeConnection(_ connection: Connection)
    /// Whether a connection that came back may be lent again; false closes it and gives its slot to a
    /// fresh one. True by default: for connections that reconnect by themselves after an error.
    func isReusable(_ connection: Connection) -> Bool
    /// The client's own error for `failure`, thrown to the task that asked.
    func error(for failure: PoolFailure) -> any Error
}

/// A connection that closes without blocking (its thread finishes the job), as the clients' do.
public protocol ClosableConnection: Sendable {
    func close()
}

extension PooledConnectionSource {
    public func isReusable(_ connection: Connection) -> Bool { true }
}

extension PooledConnectionSource where Connection: ClosableConnection {
    public func closeConnection(_ connection: Connection) { connection.close() }
}
