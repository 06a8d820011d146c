import FoundationEssentials
import Glibc
import Synchronization

/// A process this one started: its pid, whether it still runs, and how it ended. Reaps it (no zombies).
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// For messages, e.g. `redis-server`.
    public let name: String
    private let exit = Mutex<ExitStatus?>(nil)

    init(pid: pid_t, name: String) {
        self.pid = pid
        self.name = name
    }

    /// How a process ended.
    public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)
        /// Gone, but reaped by someone else, so its status is unknown.
        case unknown

        public var description: String {
            switch self {
            case .exited(let code): "exit status \(code)"
            case .signalled(let signal): "killed by signal \(signal) (\(String(cString: strsignal(signal))))"
            case .unknown: "exited"
            }
        }
    }

    /// Nil while it runs; how it ended once it has.
    public var exitStatus: ExitStatus? {
        exit.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                let signal = status & 0x7f
                known = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
            } else if reaped < 0 && errno == ECHILD && !ProcessTable.isAlive(pid) {
                known = .unknown
            }
            return known
        }
    }

    public var isRunning: Bool { exitStatus == nil }

    /// Sends `signal`; false when it is gone.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        isRunning && kill(pid, signal) == 0
    }

    /// Waits (blocking) until it has exited, up to `timeout`; returns whether it has.
    @discardableResult
    public func waitUntilGone(timeout: Duration) -> Bool {
        Poll.blocking(timeout: timeout) { !isRunning }
    }

    /// `signal`, then SIGKILL when it is still running after `grace`; returns once it is gone (or after a
    /// further five seconds, should even SIGKILL not be enough).
    public func stop(with signal: Int32, grace: Duration) {
        guard self.signal(signal) else { return }
        if !waitUntilGone(timeout: grace) {
            self.signal(SIGKILL)
            waitUntilGone(timeout: .seconds(5))
        }
    }

    /// Waits until it has exited, checking every 50 ms; returns early when the task is cancelled.
    public func exited() async -> ExitStatus? {
        while !Task.isCancelled {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return exitStatus
    }
}
