import Glibc
import Synchronization

/// Starts child processes with `posix_spawn`, from one thread that lives as long as the process.
///
/// Why a thread of its own: a server started for a test must die with the test process, even when that process
/// is killed with SIGKILL and no `atexit` runs. Linux's parent-death signal (`PR_SET_PDEATHSIG`, set by
/// `setpriv --pdeathsig` just before it execs the server) does that, but the kernel sends it when the *thread*
/// that forked the child exits, not the process: spawned from a thread of Swift's cooperative pool, which
/// libdispatch retires after a few idle seconds, a server would be killed at random. This thread never returns,
/// so the signal comes exactly when the process dies.
enum ProcessSpawner {
    /// Runs `spawn` on the spawning thread and returns its result; blocks the caller meanwhile (a few ms).
    static func onSpawningThread<T: Sendable>(_ spawn: @escaping @Sendable () throws -> T) throws -> T {
        let request = Request(work: { try spawn() })
        thread.submit(request)
        return try request.wait() as! T
    }

    private static let thread = SpawningThread()

    /// One piece of work for the thread and the caller's wait for its result.
    private final class Request: @unchecked Sendable {
        // Unchecked: `result` is written by the spawning thread before it signals `done`, and read by the caller
        // only after `done` is signalled; the semaphore orders the two.
        let work: @Sendable () throws -> any Sendable
        var result: Result<any Sendable, any Error> = .failure(CancellationError())
        private var done = sem_t()

        init(work: @escaping @Sendable () throws -> any Sendable) {
            self.work = work
            sem_init(&done, 0, 0)
        }

        deinit { sem_destroy(&done) }

        func perform() {
            result = Result { try work() }
            sem_post(&done)
        }

        func wait() throws -> any Sendable {
            while sem_wait(&done) != 0 && errno == EINTR {}
            return try result.get()
        }
    }

    /// A detached pthread that takes requests from a queue, in order, for ever.
    private final class SpawningThread: @unchecked Sendable {
        // Unchecked: `queue` is guarded by the Mutex; `pending` is a POSIX semaphore, safe from any thread.
        private let queue = Mutex<[Request]>([])
        private let pending = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        private let started = Mutex(false)

        init() {
            sem_init(pending, 0, 0)
        }

        func submit(_ request: Request) {
            startOnce()
            queue.withLock { $0.append(request) }
            sem_post(pending)
        }

        private func startOnce() {
            let first = started.withLock { started -> Bool in
                defer { started = true }
                return !started
            }
            guard first else { return }
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let created = pthread_create(&thread, nil, { context in
                let spawner = Unmanaged<SpawningThread>.fromOpaque(context!).takeRetainedValue()
                spawner.serve()
            }, context)
            precondition(created == 0, "cannot create the thread that spawns local servers: \(created)")
            pthread_detach(thread)
        }

        private func serve() -> Never {
            while true {
                while sem_wait(pending) != 0 && errno == EINTR {}
                let next = queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                next?.perform()
            }
        }
    }
}
