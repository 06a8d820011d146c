import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the server programs `gantry dev` runs, and says which package to install when one is missing.
enum ServerPrograms {
    static func redisServer() throws -> String {
        guard let path = find("redis-server") else {
            throw DevError(.programMissing, "redis-server is not installed: install the Debian package redis-server "
                + "(apt-get install redis-server), or set GANTRY_REDIS_URL to use a Redis of your own")
        }
        return path
    }

    /// The directory of PostgreSQL's server programs: $GANTRY_PG_BINDIR, Debian's 15 (else another version),
    /// else wherever initdb is on PATH.
    static func postgresBinDirectory() throws -> String {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["GANTRY_PG_BINDIR"], !configured.isEmpty {
            candidates.append(configured)
        }
        candidates.append("/usr/lib/postgresql/15/bin")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        for directory in candidates where FileManager.default.isExecutableFile(atPath: directory + "/initdb") {
            return directory
        }
        if let initdb = find("initdb") {
            return URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path
        }
        throw DevError(.programMissing, "PostgreSQL's initdb is not installed: install the Debian package postgresql "
            + "(apt-get install postgresql, version 15), or set GANTRY_DATABASE_URL to use a PostgreSQL of your own")
    }

    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/usr/sbin", "/opt/homebrew/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A server an earlier `gantry dev` left running on this data directory (it was killed with SIGKILL, say),
    /// found by its pid file: stopped with `signal`, so the new one can take the directory over.
    static func stopLeftover(pidFile: String, programName: String, signal: Int32, logger: (String) -> Void) async {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let first = text.split(separator: "\n").first,
              let pid = pid_t(first.trimmed), pid > 0, isAlive(pid),
              let command = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
              command.hasPrefix(String(programName.prefix(15)))
        else { return }
        logger("stopping a \(programName) (pid \(pid)) that an earlier gantry dev left running on this data directory")
        kill(pid, signal)
        for _ in 0..<200 where isAlive(pid) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if isAlive(pid) { kill(pid, SIGKILL) }
    }

    /// Whether `pid` is a live process (a zombie counts as gone).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            let state = stat[stat.index(after: close)...].trimmed.first
            return state != "Z" && state != "X"
        }
        return true
    }
}
