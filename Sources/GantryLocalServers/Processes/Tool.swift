import Glibc

/// Runs a short-lived tool (initdb, createdb, useradd, pg_config) to completion and keeps what it printed.
enum Tool {
    struct Outcome: Sendable {
        let status: ChildProcess.ExitStatus
        /// Standard output and error together, trimmed.
        let output: String
        var succeeded: Bool { status == .exited(0) }
    }

    /// Blocks until the tool exits. `options.logFile` is ignored: the output comes back in the outcome.
    static func run(_ executable: String, _ arguments: [String], options: SpawnOptions) throws -> Outcome {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw LocalServerError(.toolFailed, "pipe() failed: errno \(errno)", program: executable)
        }
        // Close-on-exec, so the servers and tools other threads start meanwhile do not hold the pipe open.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let child: ChildProcess
        do {
            child = try Spawn.start(executable, executable, arguments, options: options, output: ends[1])
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        close(ends[1])
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
            if count > 0 {
                if bytes.count < 1 << 20 { bytes += buffer[0..<count] }
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(ends[0])
        // The pipe closed: the tool has exited or is about to; its status follows within moments.
        child.waitUntilGone(timeout: .seconds(30))
        let output = String(decoding: bytes, as: UTF8.self).trimmedLines
        return Outcome(status: child.exitStatus ?? .unknown, output: output)
    }
}
