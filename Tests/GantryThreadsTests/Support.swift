import GantryThreads
import Synchronization

/// Values appended from any thread, read back in order.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// A clock that moves only when the test says so: a pool's deadlines become events the test triggers.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }
    /// Tasks sleeping on this clock now.
    var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let result: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time on and wakes the sleepers whose deadline has come.
    func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}

struct FakeConnectionError: Error, Equatable {
    var failure: PoolFailure?
}

/// Connections that are just numbers: opening one counts, closing one records it, and the test says
/// which are broken and whether the next open fails.
final class FakeSource: PooledConnectionSource {
    private struct State {
        var opened = 0
        var closed: [Int] = []
        var broken: Set<Int> = []
        var failOpens = 0
    }

    private let state = Mutex(State())

    var openedCount: Int { state.withLock { $0.opened } }
    var closed: [Int] { state.withLock { $0.closed } }
    func breakConnection(_ connection: Int) { state.withLock { _ = $0.broken.insert(connection) } }
    func failNextOpens(_ count: Int) { state.withLock { $0.failOpens = count } }

    func openConnection() async throws -> Int {
        try state.withLock { state in
            if state.failOpens > 0 {
                state.failOpens -= 1
                throw FakeConnectionError()
            }
            state.opened += 1
            return state.opened
        }
    }

    func closeConnection(_ connection: Int) { state.withLock { $0.closed.append(connection) } }
    func isReusable(_ connection: Int) -> Bool { state.withLock { !$0.broken.contains(connection) } }
    func error(for failure: PoolFailure) -> any Error { FakeConnectionError(failure: failure) }
}
