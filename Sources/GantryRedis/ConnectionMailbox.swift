import Dispatch
import Synchronization

/// The queue between async callers and a connection's thread: callers post work and the thread
/// takes it in order. A mutex guards the queue; a semaphore wakes the thread only when it sleeps,
/// so a busy connection takes no system call per hand-off beyond the lock.
final class ConnectionMailbox: Sendable {
    private struct State {
        var queue: [any ConnectionWork] = []
        var head = 0
        var sleeping = false
        var closed = false
        var current: (any ConnectionWork)?
    }

    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)

    /// Queues `work`; false if the mailbox is closed.
    func post(_ work: any ConnectionWork) -> Bool {
        let (accepted, wake): (Bool, Bool) = state.withLock { state in
            guard !state.closed else { return (false, false) }
            state.queue.append(work)
            let wake = state.sleeping
            state.sleeping = false
            return (true, wake)
        }
        if wake { wakeup.signal() }
        return accepted
    }

    /// The next work for the thread, blocking while there is none; nil once closed.
    @available(*, noasync, message: "blocks the thread; only the connection thread waits here")
    func next() -> (any ConnectionWork)? {
        while true {
            let work: (any ConnectionWork)?? = state.withLock { state in
                state.current = nil
                if state.closed { return .some(nil) }
                guard state.head < state.queue.count else {
                    state.sleeping = true
                    return nil
                }
                let work = state.queue[state.head]
                state.head += 1
                if state.head == state.queue.count {
                    state.queue.removeAll(keepingCapacity: true)
                    state.head = 0
                } else if state.head >= 1024 && state.head * 2 >= state.queue.count {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                state.current = work
                return work
            }
            if let work { return work }
            wakeup.wait()
        }
    }

    /// Closes the mailbox: queued work fails with `.connectionClosed`, running work is interrupted,
    /// and the thread leaves its loop. Idempotent.
    func close() {
        let (pending, current, wake): ([any ConnectionWork], (any ConnectionWork)?, Bool) = state.withLock { state in
            guard !state.closed else { return ([], nil, false) }
            state.closed = true
            let pending = Array(state.queue[state.head...])
            state.queue = []
            state.head = 0
            let wake = state.sleeping
            state.sleeping = false
            return (pending, state.current, wake)
        }
        let error = RedisError(code: .connectionClosed, message: "the connection was closed")
        for work in pending { work.fail(error) }
        current?.interrupt(.connectionClosed)
        if wake { wakeup.signal() }
    }
}
