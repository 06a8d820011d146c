import GantryLocalServers
import Synchronization

/// The temporary folder of one test server, removed once: by `stop()`, by deinit, or at process exit.
final class ThrowawayDirectory: Sendable {
    let path: String
    private let removed = Mutex(false)

    init(prefix: String) throws {
        path = try TemporaryDirectory.make(prefix: prefix)
    }

    func remove() {
        let first = removed.withLock { removed -> Bool in
            defer { removed = true }
            return !removed
        }
        if first { TemporaryDirectory.remove(path) }
    }

    /// `body`'s server, or the folder removed and `body`'s error thrown.
    func removingOnFailure<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            remove()
            throw error
        }
    }
}
