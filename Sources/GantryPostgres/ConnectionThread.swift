import CLibPQ
import FoundationEssentials
import GantryThreads
import Glibc
import Logging
import Synchronization

/// The dedicated OS thread behind one `PostgresConnection`.
///
/// libpq's API blocks, and blocking Swift's cooperative pool would starve every other task, so each
/// connection owns one thread that owns the `PGconn*` and runs every blocking call. Async callers post a
/// job to the thread's `Mailbox` and suspend on a continuation; the thread sleeps on a `PipeWakeup`, so
/// that while someone listens it can wait for work and for the server's notifications in one `poll`.
final class ConnectionThread: Sendable {
    struct Job: Sendable {
        let id: UInt64
        /// Does the work on the connection thread and returns, without calling it, what hands the outcome to
        /// the caller: the thread calls that only once it has published the connection's new `health`.
        let run: @Sendable (LibPQConnection) -> Completion
        let abandon: @Sendable (PostgresError) -> Void
    }

    typealias Completion = @Sendable () -> Void

    /// What the thread publishes about its session, and who listens to it.
    private struct Session {
        var health: LibPQConnection.Health = .broken
        var listeners: [String: [UInt64: AsyncStream<PostgresNotification>.Continuation]] = [:]
    }

    private let mailbox: Mailbox<Job>
    private let wakeup: PipeWakeup
    private let session = Mutex(Session())
    /// Numbers jobs and listeners.
    private let nextID = Atomic<UInt64>(0)
    private let cancelSlot = CancelSlot()
    private let logger: Logger

    init(configuration: PostgresConfiguration, logger: Logger) {
        self.logger = logger
        let wakeup = PipeWakeup()
        self.wakeup = wakeup
        self.mailbox = Mailbox(wakeup: wakeup)
        OSThread.detach(name: "gantry.postgres") { [self] in
            main(configuration: configuration)
        }
    }

    var health: LibPQConnection.Health { session.withLock { $0.health } }
    var isClosed: Bool { mailbox.isClosed }

    private func makeID() -> UInt64 {
        nextID.wrappingAdd(1, ordering: .relaxed).newValue
    }

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
        let id = makeID()
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
                // The flag is checked under the mailbox's lock: onCancel runs after the flag is set, so either
                // it is seen here or onCancel finds the job in the queue.
                switch mailbox.post(job, if: { !(cancellable && Task.isCancelled) }) {
                case .queued: break
                case .closed: continuation.resume(throwing: PostgresError.closed(query: query))
                case .refused: continuation.resume(throwing: PostgresError.cancelled(query: query))
                }
            }
        } onCancel: {
            if cancellable { cancel(jobID: id, query: query) }
        }
    }

    /// Queues `work` with nobody waiting for it (UNLISTEN after the last listener went away).
    func submitDetached(_ work: @escaping @Sendable (LibPQConnection) -> Void) {
        _ = mailbox.post(Job(id: makeID(), run: { work($0); return {} }, abandon: { _ in }))
    }

    private func cancel(jobID: UInt64, query: String?) {
        if let job = mailbox.removeQueued(where: { $0.id == jobID }) {
            job.abandon(.cancelled(query: query))
        } else if mailbox.isCurrent({ $0.id == jobID }) {
            sendCancel(jobID: jobID)
        }
    }

    /// Asks the server to abort job `jobID` if it is still the running one.
    private func sendCancel(jobID: UInt64) {
        // PQcancel opens a connection to the server and waits for it: never on the cooperative pool.
        let slot = cancelSlot
        let logger = logger
        OSThread.detach(name: "gantry.pgcancel") { [mailbox] in
            if let failure = slot.cancel(if: { mailbox.isCurrent { $0.id == jobID } }) {
                logger.warning("PQcancel failed", metadata: ["error": "\(failure)"])
            }
        }
    }

    // MARK: Listeners

    func addListener(
        channel: String, id: UInt64, continuation: AsyncStream<PostgresNotification>.Continuation
    ) {
        session.withLock { $0.listeners[channel, default: [:]][id] = continuation }
    }

    func nextListenerID() -> UInt64 {
        makeID()
    }

    /// Forgets one listener; the last one of a channel triggers an UNLISTEN.
    func removeListener(channel: String, id: UInt64) {
        let channelIsUnused = session.withLock { session -> Bool in
            guard session.listeners[channel]?.removeValue(forKey: id) != nil else { return false }
            if session.listeners[channel]?.isEmpty == true {
                session.listeners[channel] = nil
                return true
            }
            return false
        }
        guard channelIsUnused else { return }
        submitDetached { [self] connection in
            // Someone may have listened again while this job waited in the queue.
            guard session.withLock({ $0.listeners[channel] == nil }) else { return }
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
        // Closed already: the thread has been woken, and may be gone.
        guard let closing = mailbox.close() else { return }
        let listeners = session.withLock { session in
            defer { session.listeners = [:] }
            return session.listeners.values.flatMap { $0.values }
        }
        if let running = closing.current { sendCancel(jobID: running.id) }
        for job in closing.pending { job.abandon(.closed()) }
        for listener in listeners { listener.finish() }
    }

    // MARK: The thread

    private func main(configuration: PostgresConfiguration) {
        let connection = LibPQConnection(configuration: configuration, logger: logger, cancelSlot: cancelSlot)
        // The wake pipe stays open: it is closed with the mailbox that holds it (see `PipeWakeup`).
        defer { connection.release() }
        while true {
            switch mailbox.take() {
            case .job(let job):
                cancelSlot.barrier()
                let complete = job.run(connection)
                let notifications = connection.drainNotifications()
                let health = connection.health
                session.withLock { $0.health = health }
                mailbox.finishCurrent()
                // Only now: a caller resumed earlier could hand the connection back (to a pool that checks
                // `health`) while it still read as busy or in the transaction it just committed.
                complete()
                deliver(notifications)
            case .empty:
                waitForWork(connection, listening: session.withLock { !$0.listeners.isEmpty })
            case .closed:
                return
            }
        }
    }

    /// Sleeps until a job arrives or, while someone listens, until the server sends a notification.
    private func waitForWork(_ connection: LibPQConnection, listening: Bool) {
        var descriptors = [pollfd(fd: wakeup.readDescriptor, events: Int16(POLLIN), revents: 0)]
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
            session.withLock { $0.health = connection.health }
            return
        }
        guard ready > 0 else { return }
        if descriptors[0].revents != 0 {
            wakeup.drain()
        }
        if descriptors.count > 1, descriptors[1].revents != 0 {
            if !connection.consumeInput() {
                logger.warning("the PostgreSQL connection was lost while listening")
            }
            deliver(connection.drainNotifications())
            let health = connection.health
            session.withLock { $0.health = health }
        }
    }

    private func deliver(_ notifications: [PostgresNotification]) {
        guard !notifications.isEmpty else { return }
        let targets = session.withLock { session in
            notifications.map { ($0, Array((session.listeners[$0.channel] ?? [:]).values)) }
        }
        for (notification, continuations) in targets {
            for continuation in continuations { continuation.yield(notification) }
        }
    }
}
