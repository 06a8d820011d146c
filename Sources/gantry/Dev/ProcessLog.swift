import FoundationEssentials
import Glibc

/// Where a child server's output goes: appended to a log file in the data directory, so the terminal stays
/// readable, with the last lines kept to explain a failure.
final class ProcessLog {
    /// Opened for appending; -1 when the file could not be opened (output is then only kept in memory).
    private let descriptor: Int32
    private(set) var recentLines: [String] = []
    private let keep: Int

    init(path: String, keep: Int = 15) {
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        self.keep = keep
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    func append(_ line: String) {
        recentLines.append(line)
        if recentLines.count > keep { recentLines.removeFirst(recentLines.count - keep) }
        guard descriptor >= 0 else { return }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
