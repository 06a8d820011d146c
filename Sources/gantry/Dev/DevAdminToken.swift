import FoundationEssentials
import GantryPostgres
import GantryPostgresStore

#if canImport(Glibc)
import Glibc
#endif

/// The admin token of `gantry dev`: made on the first start (or when the one on file no longer opens the
/// API) and written alone to `<data-dir>/admin-token` with mode 0600, so the CLI in a second terminal finds
/// it, and nobody else on the machine reads it. `<data-dir>/api-url` says where the API listens.
enum DevAdminToken {
    static let tokenFile = "admin-token"
    static let urlFile = "api-url"

    /// Returns the token in force, making one when needed.
    static func ensure(databaseURL: String, dataDirectory: String) async throws -> APITokenSecret {
        let path = dataDirectory + "/" + tokenFile
        let pool = PostgresConnectionPool(configuration: try PostgresConfiguration(url: databaseURL), size: 1)
        do {
            let secret = try await ensure(path: path, tokens: APITokenRepository(pool: pool))
            await pool.close()
            return secret
        } catch {
            await pool.close()
            throw error
        }
    }

    private static func ensure(path: String, tokens: APITokenRepository) async throws -> APITokenSecret {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let existing = APITokenSecret(value: text.trimmed)
            if try await tokens.authenticate(hash: existing.hash) != nil { return existing }
        }
        let (secret, _) = try await tokens.create(name: "gantry dev admin", scopes: Set(APITokenScope.allCases))
        try write(secret.value + "\n", to: path)
        return secret
    }

    static func writeURL(_ url: String, dataDirectory: String) throws {
        try writeFile(urlFile, url, dataDirectory: dataDirectory)
    }

    /// One line in `<data-dir>/<name>`, mode 0600 (a configured server's URL may hold a password).
    static func writeFile(_ name: String, _ line: String, dataDirectory: String) throws {
        try write(line + "\n", to: dataDirectory + "/" + name)
    }

    /// Written aside with mode 0600 and renamed into place, so a reader never sees half a file.
    private static func write(_ text: String, to path: String) throws {
        let scratch = path + ".\(getpid())"
        // A fresh file that is no link (O_EXCL | O_NOFOLLOW), so its 0600 is the mode it gets.
        unlink(scratch)
        let fd = open(scratch, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DevError(.dataDirectory, "cannot write \(scratch): errno \(errno)") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count, rename(scratch, path) == 0 else {
            unlink(scratch)
            throw DevError(.dataDirectory, "cannot write \(path): errno \(errno)")
        }
    }
}
