import Glibc
import Synchronization

/// The test servers still alive when the test process exits normally: stopped, and their folders removed, by an
/// `atexit` handler. (A test process that is killed never runs it; its servers still die with it through the
/// parent-death signal, and `ops/test` removes the temporary folder they lived in.)
enum ExitCleanup {
    /// A server to stop at exit, held weakly: one that went away on its own needs nothing more.
    private struct Entry: @unchecked Sendable {
        // Unchecked: the weak reference is only read under `entries`' lock.
        weak var server: (any StoppableTestServer)?
    }

    private static let entries = Mutex<(registered: Bool, servers: [Entry])>((false, []))

    static func register(_ server: any StoppableTestServer) {
        let first = entries.withLock { state -> Bool in
            state.servers.removeAll { $0.server == nil }
            state.servers.append(Entry(server: server))
            defer { state.registered = true }
            return !state.registered
        }
        if first { atexit { ExitCleanup.stopAll() } }
    }

    private static func stopAll() {
        let servers = entries.withLock { state in
            defer { state.servers = [] }
            return state.servers.compactMap(\.server)
        }
        for server in servers { server.stop() }
    }
}

/// A test server `ExitCleanup` can stop: stops the process and removes its folder.
protocol StoppableTestServer: AnyObject, Sendable {
    func stop()
}
