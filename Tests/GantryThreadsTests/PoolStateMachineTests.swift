import GantryThreads
import Testing

/// The pool's rules, event by event, with no connection, thread or clock: connections are numbers and
/// instants are made up.
@Suite struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine<Int, ContinuousClock.Instant>

    /// A lease or a return, reduced to what the tests compare.
    enum Outcome: Equatable {
        case use(Int), open, wait, fail(PoolFailure), mustWait
        case keep, handOver(UInt64), discard(slotTo: UInt64?)
    }

    private let start = ContinuousClock.Instant.now

    @Test func opensLazilyUpToCapacityThenMakesTasksWait() {
        var machine = Machine(capacity: 2)
        #expect(machine.slotsInUse == 0)
        var outcomes = [machine.take(), machine.take(), machine.take()]
        #expect(outcomes == [.open, .open, .mustWait])
        #expect(machine.waiterCount == 0, "leaseWithoutWaiting registers nobody")
        outcomes = [machine.lease(7)]
        #expect(outcomes == [.wait])
        #expect(machine.waiterCount == 1)
        #expect(machine.slotsInUse == 2)
    }

    @Test func releasedConnectionIsReusedWarmestFirst() {
        var machine = Machine(capacity: 2)
        let outcomes = [
            machine.take(), machine.take(), machine.give(1), machine.give(2), machine.take(), machine.take(),
        ]
        #expect(outcomes == [.open, .open, .keep, .keep, .use(2), .use(1)])
        #expect(machine.slotsInUse == 2)
    }

    @Test func releasedConnectionGoesToTheFirstWaiter() {
        var machine = Machine(capacity: 1)
        let outcomes = [
            machine.take(), machine.lease(1), machine.lease(2), machine.give(10), machine.give(10), machine.give(10),
        ]
        #expect(outcomes == [.open, .wait, .wait, .handOver(1), .handOver(2), .keep])
        #expect(machine.idleCount == 1)
    }

    @Test func brokenConnectionIsDiscardedAndItsSlotGoesToAWaiterWhoReconnects() {
        var machine = Machine(capacity: 1)
        var outcomes = [machine.take(), machine.lease(1), machine.give(10, reusable: false)]
        // The waiter gets the slot, not the broken connection: it opens a fresh one.
        #expect(outcomes == [.open, .wait, .discard(slotTo: 1)])
        #expect(machine.slotsInUse == 1)
        // With nobody waiting the slot is freed, and the next task opens anew.
        outcomes = [machine.give(11, reusable: false)]
        #expect(outcomes == [.discard(slotTo: nil)])
        #expect(machine.slotsInUse == 0)
        outcomes = [machine.take()]
        #expect(outcomes == [.open])
    }

    @Test func failedOpenPassesItsSlotToTheNextWaiterOrFreesIt() {
        var machine = Machine(capacity: 1)
        _ = [machine.take(), machine.lease(1)]
        var next = machine.openFailed()
        #expect(next == 1, "the waiter tries in turn, in the same slot")
        #expect(machine.slotsInUse == 1)
        next = machine.openFailed()
        #expect(next == nil)
        #expect(machine.slotsInUse == 0)
    }

    @Test func cancelledWaiterLeavesTheQueueOnce() {
        var machine = Machine(capacity: 1)
        _ = [machine.take(), machine.lease(1), machine.lease(2)]
        let cancelled = [machine.cancel(1), machine.cancel(1)]
        #expect(cancelled == [true, false], "a second cancel finds nothing to resume")
        let outcome = machine.give(10)
        #expect(outcome == .handOver(2))
    }

    @Test func waitersTimeOutAtTheirDeadlineAndNotBefore() {
        var machine = Machine(capacity: 1)
        _ = [
            machine.take(), machine.lease(1, deadline: start + .seconds(1)), machine.lease(2),
            machine.lease(3, deadline: start + .seconds(2)),
        ]
        let expired = [
            machine.expire(now: start + .milliseconds(999)), machine.expire(now: start + .seconds(1)),
            machine.expire(now: start + .seconds(60)),
        ]
        // A waiter without a deadline waits for ever.
        #expect(expired == [[], [1], [3]])
        let outcome = machine.give(10)
        #expect(outcome == .handOver(2))
    }

    @Test func closeFailsWaitersRefusesLeasesAndDiscardsWhatComesBack() {
        var machine = Machine(capacity: 2)
        _ = [machine.take(), machine.take(), machine.lease(5)]
        let closing = machine.close()
        #expect(closing.idle.isEmpty)
        #expect(closing.waiters == [5])
        // Lent connections are closed as they come back, even healthy ones, and free their slots.
        let outcomes = [machine.take(), machine.lease(7), machine.give(1), machine.give(2)]
        #expect(outcomes == [.fail(.closed), .fail(.closed), .discard(slotTo: nil), .discard(slotTo: nil)])
        #expect(machine.slotsInUse == 0)
        #expect(machine.close().waiters.isEmpty, "closing twice is harmless")
    }

    @Test func closeHandsBackIdleConnectionsAndAFailedOpenFreesItsSlot() {
        var machine = Machine(capacity: 2)
        _ = [machine.take(), machine.take(), machine.give(1)]
        #expect(machine.close().idle == [1])
        #expect(machine.slotsInUse == 1)
        let next = machine.openFailed()
        #expect(next == nil)
        #expect(machine.slotsInUse == 0)
    }
}

extension PoolStateMachine where Connection == Int, Instant == ContinuousClock.Instant {
    typealias Outcome = PoolStateMachineTests.Outcome

    mutating func take() -> Outcome {
        guard let lease = leaseWithoutWaiting() else { return .mustWait }
        return Self.outcome(lease)
    }

    mutating func lease(_ request: UInt64, deadline: Instant? = nil) -> Outcome {
        Self.outcome(lease(request, deadline: deadline))
    }

    mutating func give(_ connection: Int, reusable: Bool = true) -> Outcome {
        switch release(connection, reusable: reusable) {
        case .keep: .keep
        case .handOver(let request): .handOver(request)
        case .discard(let request): .discard(slotTo: request)
        }
    }

    private static func outcome(_ lease: Lease) -> Outcome {
        switch lease {
        case .use(let connection): .use(connection)
        case .open: .open
        case .wait: .wait
        case .fail(let failure): .fail(failure)
        }
    }
}
