import Logging
import Synchronization

/// A fixed-size set of connections shared by many tasks.
///
/// Connections are created lazily, up to `size`; a task that finds none free waits (suspended,
/// not blocking a thread) until one is returned. A connection that lost its server stays in the
/// pool: it reconnects on its next call.
public final class RedisConnectionPool: Sendable {
    private struct Waiter {
        var id: UInt64
        /// Resumed with a connection to use, or nil meaning "a slot is free: create one".
        var continuation: CheckedContinuation<RedisConnection?, any Error>
    }

    private struct State {
        var idle: [RedisConnection] = []
        /// Connections that exist or are being created.
        var total = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    private enum Acquisition {
        case use(RedisConnection)
        case create
        case wait
    }

    /// The server of every connection.
    public let configuration: RedisConfiguration
    /// The most connections this pool opens.
    public let size: Int
    private let logger: Logger
    private let state = Mutex(State())

    /// A pool of at most `size` connections (at least 1); none is opened until first used.
    public init(configuration: RedisConfiguration, size: Int, logger: Logger = Logger(label: "gantry.redis")) {
        self.configuration = configuration
        self.size = max(1, size)
        self.logger = logger
    }

    deinit {
        for connection in state.withLock({ $0.idle }) { connection.close() }
    }

    /// Lends a connection to `body` and takes it back when `body` returns or throws.
    public func withConnection<T: Sendable>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        defer { release(connection) }
        return try await body(connection)
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
        let (idle, waiters): ([RedisConnection], [Waiter]) = state.withLock { state in
            state.closed = true
            defer {
                state.total -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for connection in idle { connection.close() }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.closedError) }
    }

    // MARK: Lending

    private static let closedError = RedisError(code: .connectionClosed, message: "the connection pool was closed")

    private func acquire() async throws -> RedisConnection {
        let decision: Acquisition = try state.withLock { state in
            if state.closed { throw Self.closedError }
            if let connection = state.idle.popLast() { return .use(connection) }
            if state.total < size {
                state.total += 1
                return .create
            }
            return .wait
        }
        switch decision {
        case .use(let connection):
            return connection
        case .create:
            return try await create()
        case .wait:
            if let connection = try await wait() { return connection }
            return try await create()  // the waker handed us its slot
        }
    }

    /// Creates a connection for a slot already counted in `total`.
    private func create() async throws -> RedisConnection {
        do {
            return try await RedisConnection.connect(configuration: configuration, logger: logger)
        } catch {
            // Give the slot back, to a waiter if any, so it can try in turn.
            let waiter: Waiter? = state.withLock { state in
                if !state.closed, !state.waiters.isEmpty { return state.waiters.removeFirst() }
                state.total -= 1
                return nil
            }
            waiter?.continuation.resume(returning: nil)
            throw error
        }
    }

    private func wait() async throws -> RedisConnection? {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let failure: RedisError? = state.withLock { state in
                    if state.closed { return Self.closedError }
                    // Checked under the lock: a cancellation that ran before this point set
                    // the flag first, one after it finds the waiter below.
                    if Task.isCancelled {
                        return RedisError(code: .cancelled, message: "cancelled while waiting for a pooled connection")
                    }
                    // A connection may have come back between `acquire` and here.
                    if let connection = state.idle.popLast() {
                        continuation.resume(returning: connection)
                        return nil
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let failure { continuation.resume(throwing: failure) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(
                throwing: RedisError(code: .cancelled, message: "cancelled while waiting for a pooled connection"))
        }
    }

    private func release(_ connection: RedisConnection) {
        let (waiter, closeIt): (Waiter?, Bool) = state.withLock { state in
            if state.closed {
                state.total -= 1
                return (nil, true)
            }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst(), false) }
            state.idle.append(connection)
            return (nil, false)
        }
        if closeIt { connection.close() }
        waiter?.continuation.resume(returning: connection)
    }
}
