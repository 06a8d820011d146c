#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached OS thread for blocking C calls, outside Swift's cooperative pool.
///
/// A pthread rather than Foundation's `Thread`, so the clients need only FoundationEssentials. The
/// thread is detached: it ends when `body` returns, and nobody joins it. The clients give each
/// connection one such thread, which owns the C handle and makes every blocking call on it.
public enum OSThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Runs `body` on a new detached thread. `name` says whose thread it is (for the reader: Linux
    /// caps thread names at 15 bytes, too short for ours, so it is not set).
    public static func detach(name _: String, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(result == 0, "pthread_create failed: \(result)")
        pthread_detach(thread)
    }
}
