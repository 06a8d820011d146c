import Synchronization

/// A fixed-size set of connections shared by many tasks: `PoolStateMachine` decides, this class
/// keeps it under a mutex and does what it says.
///
/// Connections are opened lazily, up to `capacity`; a task that finds none free waits, suspended
/// rather than blocking a thread, until one comes back, its task is cancelled, the pool closes or,
/// when `acquireTimeout` is set, the timeout passes (measured on the injected clock).
public final class ConnectionPool<Source: PooledConnectionSource, PoolClock: Clock<Duration>>: Sendable {
    public typealias Connection = Source.Connection
    private typealias Machine = PoolStateMachine<Connection, PoolClock.Instant>
    private typealias Waiter = CheckedContinuation<Machine.Resumption, Never>

    private struct State {
        var machine: Machine
        var waiters: [Machine.RequestID: Waiter] = [:]
        /// Deadline timers of waiters, cancelled once they are resumed.
        var timers: [Machine.RequestID: Task<Void, Never>] = [:]
        var nextRequest: Machine.RequestID = 0

        /// Takes the continuation of a waiter the machine let go of, with its timer.
        mutating func claim(_ request: Machine.RequestID) -> (Waiter, Task<Void, Never>?)? {
            guard let waiter = waiters.removeValue(forKey: request) else { return nil }
            return (waiter, timers.removeValue(forKey: request))
        }
    }

    /// Opens, judges and closes the connections, and names the errors.
    public let source: Source
    /// The most connections open (or being opened) at once.
    public let capacity: Int
    /// How long a task waits for a connection before failing with `.timedOut`; nil waits for ever.
    public let acquireTimeout: Duration?
    private let clock: PoolClock
    private let state: Mutex<State>

    public init(source: Source, capacity: Int, acquireTimeout: Duration? = nil, clock: PoolClock) {
        self.source = source
        self.capacity = capacity
        self.acquireTimeout = acquireTimeout
        self.clock = clock
        self.state = Mutex(State(machine: Machine(capacity: capacity)))
    }

    deinit {
        for connection in state.withLock({ $0.machine.close().idle }) { source.closeConnection(connection) }
    }

    /// Lends a connection to `body` and takes it back when `body` returns or throws.
    public func withConnection<T: Sendable>(_ body: (Connection) async throws -> T) async throws -> T {
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

    /// Closes idle connections, fails waiting tasks with `.closed`, and closes lent connections as
    /// they come back. Later calls fail with `.closed`. Idempotent.
    public func close() {
        let (idle, waiters) = state.withLock { state in
            let closing = state.machine.close()
            return (closing.idle, closing.waiters.compactMap { state.claim($0) })
        }
        for connection in idle { source.closeConnection(connection) }
        resume(waiters, with: .fail(.closed))
    }

    // MARK: Lending

    private func acquire() async throws -> Connection {
        guard let lease = state.withLock({ $0.machine.leaseWithoutWaiting() }) else {
            return try await settle(wait())
        }
        switch lease {
        case .use(let connection): return connection
        case .open: return try await open()
        case .fail(let failure): throw source.error(for: failure)
        case .wait: preconditionFailure("leaseWithoutWaiting never registers a waiter")
        }
    }

    private func settle(_ resumption: Machine.Resumption) async throws -> Connection {
        switch resumption {
        case .use(let connection): return connection
        case .open: return try await open()
        case .fail(let failure): throw source.error(for: failure)
        }
    }

    /// Opens a connection in a slot already reserved for this task.
    private func open() async throws -> Connection {
        do {
            return try await source.openConnection()
        } catch {
            // The slot goes to the next waiter, who tries in turn.
            let next = state.withLock { state in state.machine.openFailed().flatMap { state.claim($0) } }
            resume(next.map { [$0] } ?? [], with: .open)
            throw error
        }
    }

    private func wait() async -> Machine.Resumption {
        let request = state.withLock { state in
            state.nextRequest &+= 1
            return state.nextRequest
        }
        let deadline = acquireTimeout.map { clock.now.advanced(by: $0) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: Waiter) in
                let now: Machine.Resumption? = state.withLock { state in
                    // Checked under the lock: a cancellation that ran before this point set the flag
                    // first; one that runs after it finds the waiter registered below.
                    if Task.isCancelled { return .fail(.cancelled) }
                    switch state.machine.lease(request, deadline: deadline) {
                    case .use(let connection): return .use(connection)
                    case .open: return .open
                    case .fail(let failure): return .fail(failure)
                    case .wait:
                        state.waiters[request] = waiter
                        return nil
                    }
                }
                if let now {
                    waiter.resume(returning: now)
                } else if let deadline {
                    startTimer(for: request, deadline: deadline)
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in state.machine.cancel(request) ? state.claim(request) : nil }
            resume(waiter.map { [$0] } ?? [], with: .fail(.cancelled))
        }
    }

    private func release(_ connection: Connection) {
        let reusable = source.isReusable(connection)
        let (outcome, waiter) = state.withLock { state -> (Machine.Return, (Waiter, Task<Void, Never>?)?) in
            let outcome = state.machine.release(connection, reusable: reusable)
            switch outcome {
            case .keep, .discard(slotTo: nil): return (outcome, nil)
            case .handOver(let request), .discard(slotTo: .some(let request)): return (outcome, state.claim(request))
            }
        }
        switch outcome {
        case .keep:
            break
        case .handOver:
            resume(waiter.map { [$0] } ?? [], with: .use(connection))
        case .discard:
            source.closeConnection(connection)
            resume(waiter.map { [$0] } ?? [], with: .open)
        }
    }

    // MARK: Deadlines

    private func startTimer(for request: Machine.RequestID, deadline: PoolClock.Instant) {
        let timer = Task { [weak self, clock] in
            do {
                try await clock.sleep(until: deadline, tolerance: nil)
            } catch {
                return  // resumed before the deadline: the timer was cancelled
            }
            self?.expireWaiters()
        }
        let stale = state.withLock { state -> Task<Void, Never>? in
            // Resumed already (between registering and here): the timer is not needed.
            guard state.waiters[request] != nil else { return timer }
            state.timers[request] = timer
            return nil
        }
        stale?.cancel()
    }

    private func expireWaiters() {
        let now = clock.now
        let expired = state.withLock { state in state.machine.expire(now: now).compactMap { state.claim($0) } }
        resume(expired, with: .fail(.timedOut))
    }

    private func resume(_ waiters: [(Waiter, Task<Void, Never>?)], with resumption: Machine.Resumption) {
        for (waiter, timer) in waiters {
            timer?.cancel()
            waiter.resume(returning: resumption)
        }
    }
}

extension ConnectionPool where PoolClock == ContinuousClock {
    /// A pool whose acquire timeout, if any, runs on the continuous clock.
    public convenience init(source: Source, capacity: Int, acquireTimeout: Duration? = nil) {
        self.init(source: source, capacity: capacity, acquireTimeout: acquireTimeout, clock: ContinuousClock())
    }
}
