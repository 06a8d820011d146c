import Synchronization

/// An event a test waits for, fulfilled from wherever the event happens (a handler, a driver's
/// event stream, a worker callback), with a deadline on every wait.
///
/// Modelled on swift-jobs' `TestExpectation`: the code under test calls `fulfill()` as the event
/// happens; the test calls `wait(for:timeout:)` instead of sleeping and re-reading state, so it is
/// as fast as the machine and never hangs when the event does not come.
public final class TestExpectation: Sendable {
    private struct State {
        var count = 0
        var nextWaiter = 0
        var waiters: [(id: Int, target: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())
    /// What the test is waiting for, for the timeout's message.
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    /// How many times the event has happened so far.
    public var count: Int { state.withLock { $0.count } }

    /// Records that the event happened `times` more times and wakes the waits it satisfies.
    public func fulfill(_ times: Int = 1) {
        let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.count += times
            let count = s.count
            let ready = s.waiters.filter { $0.target <= count }.map(\.continuation)
            s.waiters.removeAll { $0.target <= count }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once the event has happened `count` times in all; throws `WaitTimeout` when that
    /// has not happened within `timeout`.
    public func wait(for count: Int = 1, timeout: Duration = .seconds(10)) async throws {
        let id = state.withLock { s in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        let reached = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let now = self.state.withLock { s -> Bool in
                        if s.count >= count { return true }
                        s.waiters.append((id, count, continuation))
                        return false
                    }
                    if now { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = try await group.next() ?? false
            if !first { self.release(waiter: id) }
            group.cancelAll()
            return first
        }
        if !reached {
            throw WaitTimeout(description, timeout: timeout, detail: "happened \(self.count) of \(count) times")
        }
    }

    /// Releases the continuations of a wait that timed out, so its task can end.
    private func release(waiter id: Int) {
        let stale = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            let stale = s.waiters.filter { $0.id == id }.map(\.continuation)
            s.waiters.removeAll { $0.id == id }
            return stale
        }
        for continuation in stale { continuation.resume() }
    }
}
