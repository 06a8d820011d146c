import Glibc
import GantryThreads

/// The wake-up of a PostgreSQL connection's thread: a pipe rather than a semaphore, because an idle
/// thread that listens for notifications waits on the pipe and the server socket in the same `poll`.
///
/// The pipe belongs to this object and is closed only in `deinit`. `signal()` runs on other threads and
/// may come after the connection's thread has exited (a second `close()`, a `submit` racing `close`); had
/// the thread closed the pipe on its way out, that write would land in whatever descriptor reused the
/// number, typically another connection's socket, and the server would drop that session ("invalid
/// frontend message type 1"). The mailbox holds this object, and the thread's closure holds the mailbox,
/// so `deinit` comes after every `signal()`.
final class PipeWakeup: ThreadWakeup {
    /// The end to `poll` for readability.
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init() {
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) != 0 { fatalError("pipe() failed: errno \(errno)") }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        Glibc.close(readDescriptor)
        Glibc.close(writeDescriptor)
    }

    func signal() {
        var byte: UInt8 = 1
        // EAGAIN means the pipe is already full of wake-ups, which is as good as ours.
        _ = write(writeDescriptor, &byte, 1)
    }

    @available(*, noasync, message: "blocks the thread; only the connection thread waits here")
    func wait() {
        var descriptor = pollfd(fd: readDescriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, -1)
        drain()
    }

    /// Empties the pipe after `poll` found it readable.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
    }
}
