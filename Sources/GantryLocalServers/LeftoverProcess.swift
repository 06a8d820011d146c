import FoundationEssentials
import Glibc

/// A server or worker that an earlier `gantry dev` left running on a data directory (it was killed with SIGKILL,
/// say, and its children run in sessions of their own), found by its pid file.
public struct LeftoverProcess: Sendable {
    public let pid: pid_t
    /// Its `comm` as the kernel reports it, e.g. `redis-server`.
    public let programName: String

    /// The live process `pidFile` names (its first line), when its `comm` starts with `programName`'s first 15
    /// characters: a pid file can outlive a reboot, and its number may now belong to anything. Never ourselves.
    public init?(pidFile: String, programName: String) {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let first = text.split(separator: "\n").first,
              let pid = pid_t(first.trimmedLines), pid > 0, pid != getpid(), ProcessTable.isAlive(pid),
              let command = ProcessTable.commandName(pid), command.hasPrefix(String(programName.prefix(15)))
        else { return nil }
        self.pid = pid
        self.programName = programName
    }

    /// Sends `signal` and waits up to ten seconds for it to go, then SIGKILL.
    public func stop(with signal: Int32) async {
        kill(pid, signal)
        for _ in 0..<200 where ProcessTable.isAlive(pid) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if ProcessTable.isAlive(pid) { kill(pid, SIGKILL) }
    }
}
