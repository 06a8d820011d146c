#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The user a server runs as when gantry runs as root: PostgreSQL's initdb and postgres refuse root.
struct ServerUser: Sendable {
    let name: String
    let uid: uid_t
    let gid: gid_t

    /// Nil when not root; else the `postgres` user, created as a system user when missing.
    static func forPostgres() async throws -> ServerUser? {
        guard geteuid() == 0 else { return nil }
        if let user = lookup("postgres") { return user }
        let result = try await ProgramRunner.run("useradd", ["-r", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", "postgres"])
        guard let user = lookup("postgres") else {
            throw DevError(.dataDirectory, "running as root needs a 'postgres' user for PostgreSQL, and useradd failed: "
                + result.output)
        }
        return user
    }

    private static func lookup(_ name: String) -> ServerUser? {
        guard let entry = getpwnam(name) else { return nil }
        return ServerUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    /// Lets this user reach `path`: each ancestor directory it could not search gets the search bit (x) it needs,
    /// never read or write. A data directory under a private home or a 0700 temporary directory needs this.
    func grantSearch(toAncestorsOf path: String, logger: (String) -> Void) {
        var ancestor = ""
        let parts = path.split(separator: "/").dropLast()
        for part in [""] + parts.map(String.init) {
            ancestor = part.isEmpty ? "/" : (ancestor == "/" ? "/" + part : ancestor + "/" + part)
            var info = stat()
            guard stat(ancestor, &info) == 0 else { continue }
            let needed: mode_t = info.st_uid == uid ? S_IXUSR : (info.st_gid == gid ? S_IXGRP : S_IXOTH)
            if info.st_mode & needed == 0 {
                if chmod(ancestor, (info.st_mode & 0o7777) | needed) == 0 {
                    logger("granted the \(name) user search permission on \(ancestor) so it can reach its data directory")
                }
            }
        }
    }
}
