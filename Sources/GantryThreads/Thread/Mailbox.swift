import Synchronization

/// The queue between async callers and one connection's thread: callers post work, the thread takes
/// it in order, and `close()` hands back whatever never ran.
///
/// A mutex guards the queue; the thread's `ThreadWakeup` is signalled only when the thread said it
/// was going to sleep, so a busy connection pays no system call per hand-off beyond the lock. The
/// mailbox also remembers the job the thread is running, so that a cancellation or `close()` on
/// another thread can interrupt it (each client knows how: `shutdown` of a socket, `PQcancel`).
public final class Mailbox<Job: Sendable>: Sendable {
    /// What the thread finds when it looks for work.
    public enum Delivery: Sendable {
        /// The next job, now the current one.
        case job(Job)
        /// Nothing to do: the thread may sleep (a `post` will signal the wake-up).
        case empty
        /// Closed: the thread leaves its loop.
        case closed
    }

    /// What became of a posted job.
    public enum Posting: Sendable, Equatable {
        case queued
        /// The mailbox was closed: the job will never run.
        case closed
        /// The poster's own condition refused it (checked under the lock: see `post(_:if:)`).
        case refused
    }

    /// What `close()` took away from the thread.
    public struct Closing: Sendable {
        /// Jobs that never started, in order: fail their waiters.
        public var pending: [Job]
        /// The job the thread is running, if any: interrupt it.
        public var current: Job?
    }

    private struct State {
        var queue = JobQueue<Job>()
        var current: Job?
        var sleeping = false
        var closed = false
    }

    private let state = Mutex(State())
    private let wakeup: any ThreadWakeup

    public init(wakeup: any ThreadWakeup = SemaphoreWakeup()) {
        self.wakeup = wakeup
    }

    /// True once `close()` ran.
    public var isClosed: Bool { state.withLock { $0.closed } }

    // MARK: Callers

    /// Queues `job`; false if the mailbox is closed.
    public func post(_ job: Job) -> Bool {
        post(job, if: { true }) == .queued
    }

    /// Queues `job` if `admit()` holds, evaluated under the lock. A task checks its cancellation
    /// flag here: a cancellation handler that runs later then finds the job queued, and one that
    /// ran earlier set the flag first, so no cancellation falls between the two.
    public func post(_ job: Job, if admit: () -> Bool) -> Posting {
        let (posting, wake): (Posting, Bool) = state.withLock { state in
            if state.closed { return (.closed, false) }
            guard admit() else { return (.refused, false) }
            state.queue.append(job)
            let wake = state.sleeping
            state.sleeping = false
            return (.queued, wake)
        }
        if wake { wakeup.signal() }
        return posting
    }

    /// Takes back the first queued job that `matches` (its task was cancelled before it ran).
    public func removeQueued(where matches: @Sendable (Job) -> Bool) -> Job? {
        state.withLock { $0.queue.remove(where: matches) }
    }

    /// Whether the job the thread is running `matches`.
    public func isCurrent(_ matches: @Sendable (Job) -> Bool) -> Bool {
        state.withLock { state in state.current.map(matches) ?? false }
    }

    /// Closes the mailbox and wakes the thread so that it leaves its loop. Returns what the caller
    /// must settle (queued jobs to fail, the running one to interrupt), or nil when it was closed
    /// already. Idempotent.
    public func close() -> Closing? {
        let (closing, wake): (Closing?, Bool) = state.withLock { state in
            guard !state.closed else { return (nil, false) }
            state.closed = true
            let wake = state.sleeping
            state.sleeping = false
            return (Closing(pending: state.queue.removeAll(), current: state.current), wake)
        }
        if wake { wakeup.signal() }
        return closing
    }

    // MARK: The connection thread

    /// The next job, without blocking. The previous job counts as finished. `.empty` records that
    /// the thread is about to sleep, so the next `post` signals the wake-up.
    public func take() -> Delivery {
        state.withLock { state in
            state.current = nil
            if state.closed { return .closed }
            guard let job = state.queue.popFirst() else {
                state.sleeping = true
                return .empty
            }
            state.current = job
            return .job(job)
        }
    }

    /// Marks the running job finished before its waiter is resumed, so a late cancellation no
    /// longer interrupts it (nor whatever runs next).
    public func finishCurrent() {
        state.withLock { $0.current = nil }
    }

    /// The next job, sleeping on the wake-up while there is none; nil once closed.
    @available(*, noasync, message: "blocks the thread; only the connection thread waits here")
    public func next() -> Job? {
        while true {
            switch take() {
            case .job(let job): return job
            case .closed: return nil
            case .empty: wakeup.wait()
            }
        }
    }
}
