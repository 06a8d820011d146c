import Glibc
import Synchronization

/// The user a server runs as when we run as root: PostgreSQL's initdb and postgres refuse root.
public struct ServerUser: Sendable, Equatable {
    public let name: String
    public let uid: uid_t
    public let gid: gid_t

    /// Serialises the creation of the user when several clusters start at once (tests in parallel).
    private static let creation = Mutex(())

    /// Nil when not root; else the `postgres` user, created as a system user when missing.
    public static func forPostgres() throws -> ServerUser? {
        guard geteuid() == 0 else { return nil }
        return try creation.withLock { _ in
            if let user = lookup("postgres") { return user }
            guard let useradd = ServerPrograms.find("useradd") else {
                throw LocalServerError(.programMissing, "running as root needs a 'postgres' user for PostgreSQL, "
                    + "and useradd is missing", program: "useradd")
            }
            let outcome = try Tool.run(useradd, ["-r", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", "postgres"],
                                       options: SpawnOptions(workingDirectory: "/", lifetime: .independent))
            guard let user = lookup("postgres") else {
                throw LocalServerError(.toolFailed, "running as root needs a 'postgres' user for PostgreSQL, and "
                    + "useradd failed (\(outcome.status)): \(outcome.output)", program: "useradd")
            }
            return user
        }
    }

    private static func lookup(_ name: String) -> ServerUser? {
        guard let entry = getpwnam(name) else { return nil }
        return ServerUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    /// Gives `path` (a directory we created) to this user.
    func own(_ path: String) throws {
        guard chown(path, uid, gid) == 0 else {
            throw LocalServerError(.dataDirectory, "cannot give \(path) to the \(name) user: errno \(errno)")
        }
    }

    /// Lets this user reach `path`: each ancestor directory it could not search gets the search bit (x) it needs,
    /// never read or write. A data directory under a private home or a 0700 temporary directory needs this.
    /// Returns the directories it changed, for a notice.
    @discardableResult
    public func grantSearch(toAncestorsOf path: String) -> [String] {
        var granted: [String] = []
        var ancestor = ""
        for part in [""] + path.split(separator: "/").dropLast().map(String.init) {
            ancestor = part.isEmpty ? "/" : (ancestor == "/" ? "/" + part : ancestor + "/" + part)
            var info = stat()
            guard stat(ancestor, &info) == 0 else { continue }
            let needed: mode_t = info.st_uid == uid ? S_IXUSR : (info.st_gid == gid ? S_IXGRP : S_IXOTH)
            if info.st_mode & needed == 0, chmod(ancestor, (info.st_mode & 0o7777) | needed) == 0 {
                granted.append(ancestor)
            }
        }
        return granted
    }
}
