/// The decisions of a connection pool, as a value with no I/O, no locks and no clock of its own.
///
/// Each event (a task wants a connection, one comes back, an open failed, a deadline passed, the pool
/// closes) changes the state and returns what the caller must do: lend, open, hand over, close,
/// resume or fail a waiter. `ConnectionPool` holds it under a mutex and does those things; tests
/// drive it directly with made-up instants (postgres-nio's `_ConnectionPoolModule` is the model).
///
/// The rules: at most `capacity` connections exist or are being opened (a *slot* each); idle ones
/// are reused last-in first-out (the warmest first); waiters are served first-in first-out; a slot
/// freed while someone waits goes straight to that waiter, who opens a connection in it, so nobody
/// can jump the queue.
public struct PoolStateMachine<Connection, Instant: InstantProtocol> {
    /// Names one acquiring task; unique per pool.
    public typealias RequestID = UInt64

    /// What a task that asked for a connection does next.
    public enum Lease {
        /// Use this idle connection: it is now lent.
        case use(Connection)
        /// A slot is reserved for the task: open a connection in it (and report `openFailed()` if that throws).
        case open
        /// Registered as a waiter: suspend until resumed.
        case wait
        case fail(PoolFailure)
    }

    /// How a waiter is resumed.
    public enum Resumption {
        /// A returned connection, now lent to it.
        case use(Connection)
        /// A freed slot, now its own: open a connection in it.
        case open
        case fail(PoolFailure)
    }

    /// What to do with a connection that came back.
    public enum Return {
        /// It went back to the idle list.
        case keep
        /// Lend it to this waiter.
        case handOver(to: RequestID)
        /// Close it; its slot went to `slotTo` (who opens a new one), or was freed.
        case discard(slotTo: RequestID?)
    }

    /// What closing the pool leaves to do.
    public struct Closing {
        /// Idle connections, to close now. Lent ones are closed as they come back.
        public var idle: [Connection]
        /// Waiters, to fail with `.closed`.
        public var waiters: [RequestID]
    }

    private struct Waiter {
        var id: RequestID
        var deadline: Instant?
    }

    /// The most connections that exist or are being opened at once.
    public let capacity: Int
    private var idle: [Connection] = []
    /// Connections that exist or are being opened, idle or lent.
    public private(set) var slotsInUse = 0
    private var waiters: [Waiter] = []
    public private(set) var isClosed = false

    public init(capacity: Int) {
        precondition(capacity > 0, "a pool needs at least one connection")
        self.capacity = capacity
    }

    public var idleCount: Int { idle.count }
    public var waiterCount: Int { waiters.count }

    // MARK: Events

    /// A lease that needs no waiting: an idle connection, a free slot, or the failure of a closed pool.
    /// Nil when the task would have to wait; nothing is registered then (call `lease(_:deadline:)`).
    public mutating func leaseWithoutWaiting() -> Lease? {
        if isClosed { return .fail(.closed) }
        if let connection = idle.popLast() { return .use(connection) }
        if slotsInUse < capacity {
            slotsInUse += 1
            return .open
        }
        return nil
    }

    /// As `leaseWithoutWaiting()`, but registers `request` as a waiter (until `deadline`, if any) when
    /// nothing is free.
    public mutating func lease(_ request: RequestID, deadline: Instant?) -> Lease {
        if let lease = leaseWithoutWaiting() { return lease }
        waiters.append(Waiter(id: request, deadline: deadline))
        return .wait
    }

    /// A lent connection came back. `reusable` false (it broke, or is stuck in a transaction) closes
    /// it and passes its slot on, so a waiter opens a fresh one instead of inheriting the damage.
    public mutating func release(_ connection: Connection, reusable: Bool) -> Return {
        if isClosed {
            slotsInUse -= 1
            return .discard(slotTo: nil)
        }
        if !reusable {
            return .discard(slotTo: takeSlotForFirstWaiter())
        }
        if !waiters.isEmpty { return .handOver(to: waiters.removeFirst().id) }
        idle.append(connection)
        return .keep
    }

    /// Opening a connection in a reserved slot failed: the slot goes to the first waiter (who tries in
    /// turn), or is freed. Returns that waiter, to resume with `.open`.
    public mutating func openFailed() -> RequestID? {
        if isClosed {
            slotsInUse -= 1
            return nil
        }
        return takeSlotForFirstWaiter()
    }

    /// The task of `request` was cancelled. True if it was still waiting: resume it with `.cancelled`.
    /// False if it was resumed already (or never registered): nothing to do.
    public mutating func cancel(_ request: RequestID) -> Bool {
        guard let index = waiters.firstIndex(where: { $0.id == request }) else { return false }
        waiters.remove(at: index)
        return true
    }

    /// Removes the waiters whose deadline is at or before `now` and returns them, to fail with `.timedOut`.
    public mutating func expire(now: Instant) -> [RequestID] {
        var expired: [RequestID] = []
        waiters.removeAll { waiter in
            guard let deadline = waiter.deadline, deadline <= now else { return false }
            expired.append(waiter.id)
            return true
        }
        return expired
    }

    /// Closes the pool: later leases fail with `.closed`. Idempotent (a second close returns nothing).
    public mutating func close() -> Closing {
        isClosed = true
        let closing = Closing(idle: idle, waiters: waiters.map(\.id))
        slotsInUse -= idle.count
        idle = []
        waiters = []
        return closing
    }

    // MARK: Slots

    /// Passes a slot that is in use on to the first waiter, or frees it when nobody waits.
    private mutating func takeSlotForFirstWaiter() -> RequestID? {
        if waiters.isEmpty {
            slotsInUse -= 1
            return nil
        }
        return waiters.removeFirst().id
    }
}

extension PoolStateMachine: Sendable where Connection: Sendable {}
extension PoolStateMachine.Lease: Sendable where Connection: Sendable {}
extension PoolStateMachine.Resumption: Sendable where Connection: Sendable {}
extension PoolStateMachine.Closing: Sendable where Connection: Sendable {}
