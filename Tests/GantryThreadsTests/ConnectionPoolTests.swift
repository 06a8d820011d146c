import GantryTesting
import GantryThreads
import Testing

/// The pool's async layer over fake connections: suspension, hand-over, cancellation, deadlines on an
/// injected clock, and closing, with no thread and no server.
@Suite struct ConnectionPoolTests {
    @Test func manyTasksShareAtMostCapacityConnections() async throws {
        let source = FakeSource()
        let pool = ConnectionPool(source: source, capacity: 3)
        let used = Recorder<Int>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await pool.withConnection { connection in
                        used.append(connection)
                        await Task.yield()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(used.all.count == 50)
        #expect(Set(used.all).count <= 3)
        #expect(source.openedCount <= 3)
    }

    @Test func waiterGetsTheConnectionThatComesBack() async throws {
        let source = FakeSource()
        let pool = ConnectionPool(source: source, capacity: 1)
        let holder = try await HeldConnection.take(from: pool)
        let second = Task { try await pool.withConnection { $0 } }
        try await holder.giveBack()
        #expect(try await second.value == 1, "the waiter reuses the held connection")
        #expect(source.openedCount == 1, "no second open")
    }

    @Test func brokenConnectionIsClosedAndReplacedOnNextUse() async throws {
        let source = FakeSource()
        let pool = ConnectionPool(source: source, capacity: 1)
        let first = try await pool.withConnection { connection in
            source.breakConnection(connection)
            return connection
        }
        #expect(source.closed == [first])
        let second = try await pool.withConnection { $0 }
        #expect(second != first)
        #expect(try await pool.withConnection { $0 } == second, "a healthy connection is kept")
    }

    @Test func failedOpenThrowsAndFreesItsSlot() async throws {
        let source = FakeSource()
        let pool = ConnectionPool(source: source, capacity: 1)
        source.failNextOpens(1)
        await #expect(throws: FakeConnectionError()) { try await pool.withConnection { $0 } }
        #expect(try await pool.withConnection { $0 } == 1)
    }

    /// A pool of one with a 5 s acquire timeout on a manual clock, its connection held, and a second task
    /// waiting with its deadline armed.
    private func timedWaiter() async throws -> (
        ManualClock, ConnectionPool<FakeSource, ManualClock>, HeldConnection, Task<Int, any Error>
    ) {
        let clock = ManualClock()
        let pool = ConnectionPool(source: FakeSource(), capacity: 1, acquireTimeout: .seconds(5), clock: clock)
        let holder = try await HeldConnection.take(from: pool)
        let waiter = Task { try await pool.withConnection { $0 } }
        try await eventually("the waiter's deadline is armed") { clock.sleeperCount == 1 }
        return (clock, pool, holder, waiter)
    }

    @Test func waiterTimesOutWhenTheInjectedClockPassesTheDeadline() async throws {
        let (clock, pool, holder, waiter) = try await timedWaiter()
        clock.advance(by: .seconds(4))
        #expect(clock.sleeperCount == 1, "not before its deadline")
        clock.advance(by: .seconds(1))
        await #expect(throws: FakeConnectionError(failure: .timedOut)) { try await waiter.value }
        try await holder.giveBack()
        #expect(try await pool.withConnection { $0 } == 1, "the pool still lends after a timeout")
    }

    @Test func servedWaiterCancelsItsDeadline() async throws {
        let (clock, _, holder, waiter) = try await timedWaiter()
        try await holder.giveBack()
        #expect(try await waiter.value == 1)
        try await eventually("the deadline timer is gone") { clock.sleeperCount == 0 }
    }

    @Test func cancelledWaiterThrowsCancelledAndLeavesTheQueue() async throws {
        let pool = ConnectionPool(source: FakeSource(), capacity: 1)
        let holder = try await HeldConnection.take(from: pool)
        let waiter = Task { try await pool.withConnection { $0 } }
        waiter.cancel()
        await #expect(throws: FakeConnectionError(failure: .cancelled)) { try await waiter.value }
        try await holder.giveBack()
        #expect(try await pool.withConnection { $0 } == 1)
    }

    @Test func closeFailsWaitersAndLaterCallsAndClosesConnections() async throws {
        let source = FakeSource()
        let pool = ConnectionPool(source: source, capacity: 1)
        let holder = try await HeldConnection.take(from: pool)
        // Whether it is already waiting or comes after the close, the second task is refused.
        let waiter = Task { try await pool.withConnection { $0 } }
        pool.close()
        await #expect(throws: FakeConnectionError(failure: .closed)) { try await waiter.value }
        try await holder.giveBack()
        #expect(source.closed == [1], "the lent connection is closed when it comes back")
        await #expect(throws: FakeConnectionError(failure: .closed)) { try await pool.withConnection { $0 } }
    }
}

/// The pool's connection, taken by a task of its own and kept until the test gives it back: what makes
/// the next task wait.
struct HeldConnection {
    private let letGo: TestExpectation
    private let task: Task<Void, any Error>

    static func take<Source, PoolClock>(from pool: ConnectionPool<Source, PoolClock>) async throws -> HeldConnection {
        let holding = TestExpectation("a task holds the connection")
        let letGo = TestExpectation("the test gives the connection back")
        let task = Task {
            try await pool.withConnection { _ in
                holding.fulfill()
                try await letGo.wait()
            }
        }
        try await holding.wait()
        return HeldConnection(letGo: letGo, task: task)
    }

    func giveBack() async throws {
        letGo.fulfill()
        try await task.value
    }
}
