import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finding, running and signalling the server programs. Blocking by design: test set-up, not hot paths.
enum ServerTools {
    /// Serialises creation of the `postgres` user when tests start clusters in parallel.
    private static let userLock = Mutex(())

    static var isRoot: Bool { geteuid() == 0 }

    /// An executable named `name` on PATH or in the usual places, or nil.
    static func findExecutable(_ name: String, extraDirectories: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = extraDirectories + path.split(separator: ":").map(String.init)
            + ["/usr/local/bin", "/usr/bin", "/usr/sbin", "/opt/homebrew/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func redisServer() throws -> String {
        guard let path = findExecutable("redis-server") else {
            throw TestServerError(.binaryMissing, "redis-server is not installed (Debian: apt-get install redis-server), "
                + "or run the suite with ops/test")
        }
        return path
    }

    /// The directory holding PostgreSQL's server programs: $GANTRY_PG_BINDIR, Debian's 15 (then other versions),
    /// else wherever `initdb` is on PATH.
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
        if let initdb = findExecutable("initdb") {
            return URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path
        }
        throw TestServerError(.binaryMissing, "PostgreSQL's initdb is not installed (Debian: apt-get install postgresql), "
            + "or run the suite with ops/test")
    }

    /// A fresh directory under the temporary directory, readable by other users so a `postgres` user can reach
    /// what is inside.
    static func makeTemporaryDirectory(prefix: String) throws -> String {
        var template = Array((NSTemporaryDirectory() + "/" + prefix + ".XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard created != nil else { throw TestServerError(.startFailed, "mkdtemp failed: errno \(errno)") }
        let path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        chmod(path, 0o755)
        return path.replacingOccurrences(of: "//", with: "/")
    }

    /// Runs a program to completion with its output in `logFile`; returns its exit status.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: String, logFile: String) throws -> Int32 {
        let fd = open(logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw TestServerError(.toolFailed, "cannot open \(logFile): errno \(errno)") }
        let log = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let process = makeProcess(executable, arguments)
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func makeProcess(_ executable: String, _ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        return process
    }

    /// The last lines of a log file, for error messages.
    static func tail(_ path: String, lines: Int = 8) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(no log at \(path))" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Whether `pid` is a live process (a zombie counts as gone).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
            return state != "Z" && state != "X"
        }
        #endif
        return true
    }

    /// Waits until `pid` is gone, up to `timeout` seconds; returns whether it is.
    @discardableResult
    static func waitUntilGone(_ pid: pid_t, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while isAlive(pid) {
            if Date() > deadline { return false }
            usleep(20_000)
        }
        return true
    }

    /// Polls `condition` every 20 ms for up to `timeout` seconds.
    static func poll(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { return false }
            usleep(20_000)
        }
        return true
    }

    /// As root, the uid and gid of the `postgres` user (created as a system user when missing): initdb and
    /// postgres refuse to run as root. Nil when not root.
    static func postgresUser() throws -> (uid: uid_t, gid: gid_t)? {
        guard isRoot else { return nil }
        return try userLock.withLock { _ in
            if let entry = getpwnam("postgres") { return (entry.pointee.pw_uid, entry.pointee.pw_gid) }
            guard let useradd = findExecutable("useradd") else {
                throw TestServerError(.toolFailed, "running as root needs a 'postgres' user, and useradd is missing")
            }
            let status = try run(useradd, ["-r", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", "postgres"],
                                 in: "/", logFile: "/dev/null")
            guard let entry = getpwnam("postgres") else {
                throw TestServerError(.toolFailed, "useradd postgres failed with status \(status)")
            }
            return (entry.pointee.pw_uid, entry.pointee.pw_gid)
        }
    }

    static func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
