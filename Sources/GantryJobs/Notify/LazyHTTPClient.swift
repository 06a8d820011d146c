import AsyncHTTPClient
import Synchronization

/// An `HTTPClient` made on first use: a worker that never sends a webhook never starts NIO's
/// event-loop threads (and keeps their memory). Shut it down once the worker has drained.
public final class LazyHTTPClient: Sendable {
    private let make: @Sendable () -> HTTPClient
    // The Mutex guards the one client, created at most once.
    private let state = Mutex<HTTPClient?>(nil)

    public init(_ make: @escaping @Sendable () -> HTTPClient = { NotifySendHandler.makeHTTPClient() }) {
        self.make = make
    }

    public var client: HTTPClient {
        state.withLock { current in
            if let current { return current }
            let made = make()
            current = made
            return made
        }
    }

    /// Shuts the client down if it was ever made.
    public func shutdown() async throws {
        let made = state.withLock { current -> HTTPClient? in
            defer { current = nil }
            return current
        }
        try await made?.shutdown()
    }
}
