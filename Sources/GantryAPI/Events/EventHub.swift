import FoundationEssentials
import Synchronization

/// Fans the live feed out to the open `GET /v1/events` connections: the one reader loop (`EventFeed`)
/// publishes each message once, and every subscriber gets it through a bounded buffer of its own. A
/// client too slow to read loses its oldest messages rather than growing the process's memory (the page
/// reloads what it shows on the next message anyway), and the number of connections is capped, since each
/// holds a socket and a task for as long as the page is open.
final class EventHub: Sendable {
    let maxSubscribers: Int
    /// Messages a subscriber may fall behind by before the oldest are dropped.
    let bufferSize: Int
    private let subscribers = Mutex<[UUID: AsyncStream<String>.Continuation]>([:])

    init(maxSubscribers: Int = 100, bufferSize: Int = 256) {
        self.maxSubscribers = max(1, maxSubscribers)
        self.bufferSize = max(1, bufferSize)
    }

    /// A new subscriber's id and stream, or nil when `maxSubscribers` are already connected.
    func subscribe() -> (id: UUID, messages: AsyncStream<String>)? {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        let added = subscribers.withLock { s -> Bool in
            guard s.count < maxSubscribers else { return false }
            s[id] = continuation
            return true
        }
        guard added else { return nil }
        continuation.onTermination = { [weak self] _ in self?.drop(id) }
        return (id, stream)
    }

    /// Ends a subscriber's stream (its connection then ends) and forgets it; twice is harmless.
    func drop(_ id: UUID) {
        subscribers.withLock { $0.removeValue(forKey: id) }?.finish()
    }

    /// Ends every stream: the API is shutting down, and open streams would hold its server open.
    func dropAll() {
        for c in subscribers.withLock({ s in defer { s.removeAll() }; return Array(s.values) }) { c.finish() }
    }

    var subscriberCount: Int { subscribers.withLock { $0.count } }

    func publish(_ message: String) {
        for c in subscribers.withLock({ Array($0.values) }) { c.yield(message) }
    }
}
