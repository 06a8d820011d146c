import Dispatch

/// How a connection's thread sleeps when its mailbox is empty, and how a poster wakes it.
///
/// A seam because the clients sleep differently: the Redis thread only ever waits for work (a
/// semaphore), while the PostgreSQL thread must also wake for notifications on the server socket, so
/// it sleeps in `poll` on a pipe and that socket together. `signal()` may come before `wait()`: the
/// wake-up must then be kept, not lost.
public protocol ThreadWakeup: Sendable {
    /// Wakes the thread, or makes its next `wait()` return at once.
    func signal()
    /// Blocks the calling thread until `signal()`.
    @available(*, noasync, message: "blocks the thread; only the connection thread waits here")
    func wait()
}

/// The wake-up of a thread that waits for nothing but work.
public final class SemaphoreWakeup: ThreadWakeup {
    private let semaphore = DispatchSemaphore(value: 0)

    public init() {}

    public func signal() { semaphore.signal() }

    @available(*, noasync, message: "blocks the thread; only the connection thread waits here")
    public func wait() { semaphore.wait() }
}
