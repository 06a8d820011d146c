import Synchronization

/// Opened by `DevStartup` once the servers answer and the migrations are applied; the workers wait for it, since
/// a worker refuses to start against a database without its tables. One-shot: once open it stays open.
final class StartupGate: Sendable {
    private let state = Mutex(false)
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self)
    }

    func open() {
        state.withLock { $0 = true }
        continuation.finish()
    }

    var isOpen: Bool { state.withLock { $0 } }

    /// Returns true once the gate is open, false when the waiting task was cancelled first. For one waiter.
    func wait() async -> Bool {
        for await _ in stream {}
        return isOpen
    }
}
