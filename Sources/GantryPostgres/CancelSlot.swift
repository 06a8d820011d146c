import CLibPQ
import Synchronization

/// Owns the `PGcancel*` of the current `PGconn`, so a task on another thread can cancel a running statement.
///
/// Its mutex serialises `PQcancel` against `PQfreeCancel` (a reconnect or close), and the connection thread
/// passes through the same mutex (`barrier()`) before it starts each job, so a cancel request for one
/// statement has been delivered before the next statement is sent and cannot abort that one instead.
final class CancelSlot: Sendable {
    /// A `PGcancel*`. Sendable only so it can live in `handle`: it is read, used and freed solely under
    /// that mutex (`PQcancel` itself is thread-safe for a given `PGcancel`).
    private struct CancelPointer: @unchecked Sendable {
        let raw: OpaquePointer
    }

    private let handle = Mutex<CancelPointer?>(nil)

    /// Installs the cancel object of a new connection (or `nil`), freeing the previous one.
    func replace(_ cancel: OpaquePointer?) {
        let new = cancel.map(CancelPointer.init(raw:))
        handle.withLock { current in
            if let current { PQfreeCancel(current.raw) }
            current = new
        }
    }

    /// Sends a cancel request to the server if `stillWanted()` holds (checked under the lock). Blocks for a
    /// network round trip: call it from a dedicated thread, never from Swift's cooperative pool.
    /// - Returns: libpq's error text when the request could not be sent.
    @available(*, noasync)
    func cancel(if stillWanted: () -> Bool) -> String? {
        handle.withLock { current -> String? in
            guard let current, stillWanted() else { return nil }
            var buffer = [CChar](repeating: 0, count: 256)
            if PQcancel(current.raw, &buffer, Int32(buffer.count)) == 1 { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Waits until no cancel request is in flight.
    @available(*, noasync)
    func barrier() {
        handle.withLock { _ in }
    }

    deinit {
        replace(nil)
    }
}
