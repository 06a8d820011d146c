import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What the connection thread needs from the call it runs: a way to publish the socket it is
/// about to block on, so that a cancellation or `close()` on another thread can shut it down.
protocol CallInterruption: AnyObject {
    /// Publishes `fd` before blocking I/O. Returns the reason if the call was already
    /// interrupted, in which case the I/O must not start.
    func beginIO(fd: Int32) -> RedisError.Code?
    /// Withdraws the socket (before the context may be freed and its fd number reused).
    /// Returns the reason if the call was interrupted meanwhile: its socket is then shut down.
    func endIO() -> RedisError.Code?
}

/// Work handed to a connection thread.
protocol ConnectionWork: AnyObject, Sendable {
    /// Runs the work on the connection thread and resumes its waiter.
    @available(*, noasync, message: "blocks the thread; only the connection thread runs work")
    func run(on session: RedisSession)
    /// Resumes the waiter with `error` without running (the connection closed first).
    func fail(_ error: RedisError)
    /// Interrupts the work: a queued one fails at once, a running one has its socket shut down.
    func interrupt(_ code: RedisError.Code)
}

/// One call in flight between an awaiting task and the connection thread.
///
/// Every transition happens under `state`'s lock, which guarantees the continuation is resumed
/// exactly once and that `shutdown` is only called on a socket the connection thread still
/// owns (the thread withdraws it under the same lock before freeing the context).
final class PendingCall<Value: Sendable>: ConnectionWork, CallInterruption {
    private enum State {
        /// Not yet queued.
        case created
        /// Interrupted before it was queued: arming it resumes the waiter at once.
        case interruptedEarly(RedisError.Code)
        /// Queued on the mailbox.
        case queued(CheckedContinuation<Value, any Error>)
        /// On the connection thread; `fd` is set during blocking I/O, -1 otherwise.
        case running(CheckedContinuation<Value, any Error>, fd: Int32, interruption: RedisError.Code?)
        case finished
    }

    typealias Body = @Sendable (RedisSession, any CallInterruption) throws -> Value

    private let state = Mutex<State>(.created)
    private let body: Body
    private let command: String?

    init(command: String?, body: @escaping Body) {
        self.command = command
        self.body = body
    }

    /// Stores the continuation. Returns false if the call was interrupted already (the
    /// continuation has then been resumed and the call must not be queued).
    func arm(_ continuation: CheckedContinuation<Value, any Error>) -> Bool {
        let early: RedisError.Code? = state.withLock { state in
            switch state {
            case .created:
                state = .queued(continuation)
                return nil
            case .interruptedEarly(let code):
                state = .finished
                return code
            default:
                preconditionFailure("PendingCall armed twice")
            }
        }
        if let early {
            continuation.resume(throwing: error(for: early))
            return false
        }
        return true
    }

    @available(*, noasync, message: "blocks the thread; only the connection thread runs work")
    func run(on session: RedisSession) {
        let started: Bool = state.withLock { state in
            guard case .queued(let continuation) = state else { return false }
            state = .running(continuation, fd: -1, interruption: nil)
            return true
        }
        guard started else { return }  // cancelled while queued: already resumed
        let result: Result<Value, any Error>
        do {
            result = .success(try body(session, self))
        } catch {
            result = .failure(error)
        }
        let continuation: CheckedContinuation<Value, any Error>? = state.withLock { state in
            guard case .running(let continuation, _, _) = state else { return nil }
            state = .finished
            return continuation
        }
        continuation?.resume(with: result)
    }

    func fail(_ error: RedisError) {
        let continuation: CheckedContinuation<Value, any Error>? = state.withLock { state in
            switch state {
            case .queued(let continuation), .running(let continuation, _, _):
                state = .finished
                return continuation
            case .created:
                state = .interruptedEarly(error.code)
                return nil
            case .interruptedEarly, .finished:
                return nil
            }
        }
        continuation?.resume(throwing: error)
    }

    func interrupt(_ code: RedisError.Code) {
        let continuation: CheckedContinuation<Value, any Error>? = state.withLock { state in
            switch state {
            case .created:
                state = .interruptedEarly(code)
                return nil
            case .queued(let continuation):
                // The thread will find it finished and skip it.
                state = .finished
                return continuation
            case .running(let continuation, let fd, let interruption):
                guard interruption == nil else { return nil }
                state = .running(continuation, fd: fd, interruption: code)
                if fd >= 0 {
                    // Under the lock: the thread cannot free the context (and close this fd)
                    // before it withdraws the fd in `endIO`, which takes this lock.
                    _ = shutdown(fd, Int32(SHUT_RDWR))
                }
                return nil
            case .interruptedEarly, .finished:
                return nil
            }
        }
        continuation?.resume(throwing: error(for: code))
    }

    func beginIO(fd: Int32) -> RedisError.Code? {
        state.withLock { state in
            guard case .running(let continuation, _, let interruption) = state else { return .cancelled }
            if let interruption { return interruption }
            state = .running(continuation, fd: fd, interruption: nil)
            return nil
        }
    }

    func endIO() -> RedisError.Code? {
        state.withLock { state in
            guard case .running(let continuation, _, let interruption) = state else { return .cancelled }
            state = .running(continuation, fd: -1, interruption: interruption)
            return interruption
        }
    }

    private func error(for code: RedisError.Code) -> RedisError {
        RedisError(code: code, message: code == .cancelled ? "the task was cancelled" : "the connection was closed", command: command)
    }
}
