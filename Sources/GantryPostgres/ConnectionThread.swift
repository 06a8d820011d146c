import CLibPQ
import FoundationEssentials
import Glibc
import Logging
import Synchronization

/// The dedicated OS thread behind one `PostgresConnection`.
///
/// libpq's API blocks, and blocking Swift's cooperative pool would starve every other task, so each
/// connection owns one `Thread` that owns the `PGconn*` and runs every blocking call. Async callers append a
/// job to a FIFO queue guarded by `state`'s mutex, wake the thread through a pipe, and suspend on a
/// continuation. A pipe rather than a condition variable because an idle thread that listens for
/// notifications waits on the pipe and the server socket in the same `poll`.
///
/// The pipe belongs to this object, not to the thread: it is closed only in `deinit`. `wake()` runs on
/// other threads and may come after the thread has exited (a second `close()`, `deinit` of the
/// `PostgresConnection`, a `submit` racing `close`); had the thread closed the pipe on its way out, that
/// write would land in whatever descriptor reused the number, typically another connection's socket,
/// and the server would drop that session ("invalid frontend message type 1"). `self` is alive during
/// every `wake()`, and the thread's closure retains it, so `deinit` comes after both.
final class ConnectionThread: Sendable {
    struct Job: Sendable {
        let id: UInt64
        /// Does the work on the connection thread and returns, without calling it, what hands the outcome to
        /// the caller: the thread calls that only once it has published the connection's new `health`.
        let run: @Sendable (LibPQConnection) -> Completion
        let abandon: @Sendable (PostgresError) -> Void
    }

    typealias Completion = @Sendable () -> Void

    private struct State {
        var queue: [Job] = []
        var running: UInt64?
        var nextID: UInt64 = 0
        var closed = false
        var health: LibPQConnection.Health = .broken
        var listeners: [String: [UInt64: AsyncStream<PostgresNotification>.Continuation]] = [:]
    }

    private enum Step {
        case run(Job)
        case wait(listening: Bool)
        case exit
    }

    private let state = Mutex(State())
    private let cancelSlot = CancelSlot()
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let logger: Logger

    init(configuration: PostgresConfiguration, logger: Logger) {
        self.logger = logger
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) != 0 { fatalError("pipe() failed: errno \(errno)") }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = descriptors[0]
        wakeWrite = descriptors[1]
        OSThread.detach(name: "gantry.postgres") { [self] in
            main(configuration: configuration)
        }
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    var health: LibPQConnection.Health { state.withLock { $0.health } }
    var isClosed: Bool { state.withLock { $0.closed } }

    // MARK: Submitting work

    /// Runs `work` on the connection thread and returns its result.
    ///
    /// When the task is cancelled, a job still queued is dropped (throws `.cancelled`), and a running one is
    /// cancelled on the server with `PQcancel` from a helper thread. Non-cancellable jobs (ROLLBACK,
    /// advisory unlock) run even from a cancelled task, because they restore the session's state.
    func submit<T: Sendable>(
        cancellable: Bool = true, query: String? = nil,
        _ work: @escaping @Sendable (LibPQConnection) throws(PostgresError) -> T
    ) async throws -> T {
        let id = state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let job = Job(
                    id: id,
                    run: { connection in
                        // Resumed by the thread after it updated `health`: see `main`.
                        do throws(PostgresError) {
                            let value = try work(connection)
                            return { continuation.resume(returning: value) }
                        } catch {
                            return { continuation.resume(throwing: error) }
                        }
                    },
                    abandon: { continuation.resume(throwing: $0) })
                // Checked under the lock: onCancel runs after the flag is set, so either we see the flag here
                // or onCancel finds the job in the queue.
                let rejection: PostgresError? = state.withLock { state in
                    if state.closed { return .closed(query: query) }
                    if cancellable, Task.isCancelled { return .cancelled(query: query) }
                    state.queue.append(job)
                    return nil
                }
                if let rejection {
                    continuation.resume(throwing: rejection)
                } else {
                    wake()
                }
            }
        } onCancel: {
            if cancellable { cancel(jobID: id, query: query) }
        }
    }

    /// Queues `work` with nobody waiting for it (UNLISTEN after the last listener went away).
    func submitDetached(_ work: @escaping @Sendable (LibPQConnection) -> Void) {
        let queued = state.withLock { state in
            guard !state.closed else { return false }
            state.nextID &+= 1
            state.queue.append(Job(id: state.nextID, run: { work($0); return {} }, abandon: { _ in }))
            return true
        }
        if queued { wake() }
    }

    private func cancel(jobID: UInt64, query: String?) {
        enum Action {
            case none, abandon(Job), cancelRunning
        }
        let action: Action = state.withLock { state in
            if let index = state.queue.firstIndex(where: { $0.id == jobID }) {
                return .abandon(state.queue.remove(at: index))
            }
            return state.running == jobID ? .cancelRunning : .none
        }
        switch action {
        case .none:
            break
        case .abandon(let job):
            job.abandon(.cancelled(query: query))
        case .cancelRunning:
            sendCancel(jobID: jobID)
        }
    }

    /// Asks the server to abort job `jobID` if it is still the running one.
    private func sendCancel(jobID: UInt64) {
        // PQcancel opens a connection to the server and waits for it: never on the cooperative pool.
        let slot = cancelSlot
        let logger = logger
        OSThread.detach(name: "gantry.pgcancel") { [self] in
            if let failure = slot.cancel(if: { state.withLock { $0.running == jobID } }) {
                logger.warning("PQcancel failed", metadata: ["error": "\(failure)"])
            }
        }
    }

    // MARK: Listeners

    func addListener(
        channel: String, id: UInt64, continuation: AsyncStream<PostgresNotification>.Continuation
    ) {
        state.withLock { $0.listeners[channel, default: [:]][id] = continuation }
    }

    func nextListenerID() -> UInt64 {
        state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
    }

    /// Forgets one listener; the last one of a channel triggers an UNLISTEN.
    func removeListener(channel: String, id: UInt64) {
        let channelIsUnused = state.withLock { state -> Bool in
            guard state.listeners[channel]?.removeValue(forKey: id) != nil else { return false }
            if state.listeners[channel]?.isEmpty == true {
                state.listeners[channel] = nil
                return true
            }
            return false
        }
        guard channelIsUnused else { return }
        submitDetached { [self] connection in
            // Someone may have listened again while this job waited in the queue.
            guard state.withLock({ $0.listeners[channel] == nil }) else { return }
            do throws(PostgresError) {
                try connection.unlisten(channel)
            } catch {
                logger.debug("UNLISTEN failed", metadata: ["channel": "\(channel)", "error": "\(error)"])
            }
        }
    }

    // MARK: Closing

    /// Stops accepting work, fails queued jobs with `.connectionClosed`, ends listener streams, cancels the
    /// running statement on the server, and lets the thread `PQfinish` and exit. Idempotent, non-blocking.
    func close() {
        let closing = state.withLock { state -> ([Job], [AsyncStream<PostgresNotification>.Continuation], UInt64?)? in
            guard !state.closed else { return nil }
            state.closed = true
            let jobs = state.queue
            state.queue = []
            let listeners = state.listeners.values.flatMap { $0.values }
            state.listeners = [:]
            return (jobs, listeners, state.running)
        }
        // Closed already: the thread has been woken, and may be gone.
        guard let (abandoned, listeners, running) = closing else { return }
        if let running { sendCancel(jobID: running) }
        for job in abandoned { job.abandon(.closed()) }
        for listener in listeners { listener.finish() }
        wake()
    }

    // MARK: The thread

    private func wake() {
        var byte: UInt8 = 1
        // EAGAIN means the pipe is already full of wake-ups, which is as good as ours.
        _ = write(wakeWrite, &byte, 1)
    }

    private func main(configuration: PostgresConfiguration) {
        let connection = LibPQConnection(configuration: configuration, logger: logger, cancelSlot: cancelSlot)
        // The wake pipe stays open: deinit closes it (see the type's documentation).
        defer { connection.release() }
        while true {
            let step: Step = state.withLock { state in
                if !state.queue.isEmpty {
                    let job = state.queue.removeFirst()
                    state.running = job.id
                    return .run(job)
                }
                return state.closed ? .exit : .wait(listening: !state.listeners.isEmpty)
            }
            switch step {
            case .run(let job):
                cancelSlot.barrier()
                let complete = job.run(connection)
                let notifications = connection.drainNotifications()
                let health = connection.health
                state.withLock { state in
                    state.running = nil
                    state.health = health
                }
                // Only now: a caller resumed earlier could hand the connection back (to a pool that checks
                // `health`) while it still read as busy or in the transaction it just committed.
                complete()
                deliver(notifications)
            case .wait(let listening):
                waitForWork(connection, listening: listening)
            case .exit:
                return
            }
        }
    }

    /// Sleeps until a job arrives or, while someone listens, until the server sends a notification.
    private func waitForWork(_ connection: LibPQConnection, listening: Bool) {
        var descriptors = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        var timeout: Int32 = -1
        if listening {
            let socket = connection.socket
            if socket >= 0 {
                descriptors.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0))
            } else {
                // Listening on a lost connection: try to get it back once a second.
                timeout = 1000
            }
        }
        let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
        if ready == 0, listening {
            do throws(PostgresError) {
                try connection.ensureConnected()
            } catch {
                logger.debug("listener reconnect failed", metadata: ["error": "\(error)"])
            }
            state.withLock { $0.health = connection.health }
            return
        }
        guard ready > 0 else { return }
        if descriptors[0].revents != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(wakeRead, &buffer, buffer.count) > 0 {}
        }
        if descriptors.count > 1, descriptors[1].revents != 0 {
            if !connection.consumeInput() {
                logger.warning("the PostgreSQL connection was lost while listening")
            }
            deliver(connection.drainNotifications())
            let health = connection.health
            state.withLock { $0.health = health }
        }
    }

    private func deliver(_ notifications: [PostgresNotification]) {
        guard !notifications.isEmpty else { return }
        let targets = state.withLock { state in
            notifications.map { ($0, Array((state.listeners[$0.channel] ?? [:]).values)) }
        }
        for (notification, continuations) in targets {
            for continuation in continuations { continuation.yield(notification) }
        }
    }
}
