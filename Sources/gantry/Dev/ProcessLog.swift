import Foundation

/// Where a child server's output goes: appended to a log file in the data directory, so the terminal stays
/// readable, with the last lines kept to explain a failure.
final class ProcessLog {
    private let handle: FileHandle?
    private(set) var recentLines: [String] = []
    private let keep: Int

    init(path: String, keep: Int = 15) {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        handle = FileHandle(forWritingAtPath: path)
        _ = try? handle?.seekToEnd()
        self.keep = keep
    }

    deinit {
        try? handle?.close()
    }

    func append(_ line: String) {
        recentLines.append(line)
        if recentLines.count > keep { recentLines.removeFirst(recentLines.count - keep) }
        try? handle?.write(contentsOf: Data((line + "\n").utf8))
    }
}
