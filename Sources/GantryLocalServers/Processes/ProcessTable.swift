import FoundationEssentials
import Glibc

/// What Linux's `/proc` says about other processes.
public enum ProcessTable {
    /// Whether `pid` is a live process (a zombie counts as gone).
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let state = stat(pid)?.state else { return true }
        return state != "Z" && state != "X"
    }

    /// The live processes whose parent is `pid` (PostgreSQL's backends, say).
    public static func children(of pid: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { stat($0)?.parent == pid && isAlive($0) }
    }

    /// The process' name as the kernel keeps it (`comm`, at most 15 characters), or nil when it is gone.
    public static func commandName(_ pid: pid_t) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmedLines
    }

    /// Its arguments, `argv[0]` first, or nil when it is gone.
    public static func arguments(_ pid: pid_t) -> [String]? {
        guard let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// State letter and parent pid from `/proc/<pid>/stat` (the name before them may hold spaces and parentheses,
    /// hence the last `)`).
    private static func stat(_ pid: pid_t) -> (state: Character, parent: pid_t)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let state = fields[0].first, let parent = pid_t(fields[1]) else { return nil }
        return (state, parent)
    }
}
