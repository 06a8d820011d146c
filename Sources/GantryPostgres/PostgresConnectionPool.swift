import Logging
import Synchronization

/// A fixed-size pool of `PostgresConnection`s, opened lazily and shared by many tasks.
///
/// `withConnection` lends a connection to one task at a time; callers beyond `size` wait in FIFO order
/// (cancelling a waiting task stops its wait with `.cancelled`). A connection that comes back broken, closed
/// or still inside a transaction is closed and replaced on demand, so one dropped session never poisons
/// later callers.
public final class PostgresConnectionPool: Sendable {
    private typealias Waiter = CheckedContinuation<PostgresConnection?, any Error>

    private struct State {
        var idle: [PostgresConnection] = []
        /// Connections open or being opened, idle or lent.
        var open = 0
        var waiters: [(id: UInt64, continuation: Waiter)] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    private enum Lease {
        case reuse(PostgresConnection)
        case open
        case wait
    }

    public let configuration: PostgresConfiguration
    public let size: Int
    private let logger: Logger
    private let state = Mutex(State())

    /// - Parameter size: the most connections open at once; at least 1.
    public init(
        configuration: PostgresConfiguration, size: Int, logger: Logger = Logger(label: "gantry.postgres.pool")
    ) {
        precondition(size > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.size = size
        self.logger = logger
    }

    /// Lends a connection to `body` and takes it back afterwards, even when `body` throws.
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
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
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            let idle = state.idle
            let waiters = state.waiters
            state.open -= idle.count
            state.idle = []
            state.waiters = []
            return (idle, waiters)
        }
        for connection in idle { connection.close() }
        for waiter in waiters { waiter.continuation.resume(throwing: PostgresError.closed()) }
    }

    // MARK: Lending

    private func acquire() async throws -> PostgresConnection {
        while true {
            if Task.isCancelled { throw PostgresError.cancelled() }
            let lease: Lease = try state.withLock { state in
                guard !state.closed else { throw PostgresError(code: .connectionClosed, message: "the pool is closed") }
                if let connection = state.idle.popLast() { return .reuse(connection) }
                if state.open < size {
                    state.open += 1
                    return .open
                }
                return .wait
            }
            switch lease {
            case .reuse(let connection):
                return connection
            case .open:
                do {
                    return try await PostgresConnection.connect(configuration: configuration, logger: logger)
                } catch {
                    // Give the slot back and let a waiter try its own connect.
                    slotFreed()
                    throw error
                }
            case .wait:
                // nil means a slot was freed: loop and open a connection.
                if let connection = try await waitForConnection() { return connection }
            }
        }
    }

    private func waitForConnection() async throws -> PostgresConnection? {
        let id = state.withLock { state in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                let rejection: PostgresError? = state.withLock { state in
                    if state.closed { return .closed() }
                    if Task.isCancelled { return .cancelled() }
                    // Something may have come back between acquire's check and now.
                    if !state.idle.isEmpty || state.open < size {
                        continuation.resume(returning: nil)
                        return nil
                    }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let rejection { continuation.resume(throwing: rejection) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: PostgresError.cancelled())
        }
    }

    private func release(_ connection: PostgresConnection) {
        enum Outcome {
            case keep
            case handOver(Waiter)
            case discard(Waiter?)
        }
        let reusable = connection.isReusable
        let outcome: Outcome = state.withLock { state in
            if state.closed || !reusable {
                state.open -= 1
                return .discard(state.waiters.isEmpty ? nil : state.waiters.removeFirst().continuation)
            }
            if !state.waiters.isEmpty { return .handOver(state.waiters.removeFirst().continuation) }
            state.idle.append(connection)
            return .keep
        }
        switch outcome {
        case .keep:
            break
        case .handOver(let waiter):
            waiter.resume(returning: connection)
        case .discard(let waiter):
            if !reusable { logger.info("discarding a pooled connection that is broken or still in a transaction") }
            connection.close()
            // The waiter opens a fresh connection in the freed slot.
            waiter?.resume(returning: nil)
        }
    }

    private func slotFreed() {
        let waiter: Waiter? = state.withLock { state in
            state.open -= 1
            return state.waiters.isEmpty ? nil : state.waiters.removeFirst().continuation
        }
        waiter?.resume(returning: nil)
    }
}
