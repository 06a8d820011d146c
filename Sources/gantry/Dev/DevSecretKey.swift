import FoundationEssentials
import GantryJobs

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The key that seals webhook secrets for `gantry dev`'s workers: GANTRY_SECRET_KEY when it is set,
/// else `<data-dir>/secret-key`, made on first start with mode 0600 (only its owner reads it), so
/// endpoints created in one session still open in the next.
enum DevSecretKey {
    static let fileName = "secret-key"

    static func value(dataDirectory: String) throws -> String {
        if let configured = ProcessInfo.processInfo.environment["GANTRY_SECRET_KEY"], !configured.isEmpty {
            return configured
        }
        let path = dataDirectory + "/" + fileName
        if let existing = read(path) { return existing }
        // Written aside and linked into place: link() fails when the file exists, so two workers
        // starting together agree on one key, and nobody reads a half-written file.
        let key = SecretKeyRing.generateKeyText()
        let scratch = path + ".\(getpid()).\(UInt32.random(in: .min ... .max))"
        let fd = open(scratch, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DevError(.dataDirectory, "cannot create \(scratch): errno \(errno)") }
        let bytes = Array((key + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        defer { unlink(scratch) }
        guard written == bytes.count, synced else { throw DevError(.dataDirectory, "cannot write \(scratch)") }
        if link(scratch, path) != 0 && errno != EEXIST {
            throw DevError(.dataDirectory, "cannot create \(path): errno \(errno)")
        }
        guard let stored = read(path) else { throw DevError(.dataDirectory, "cannot read \(path)") }
        return stored
    }

    static func read(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let key = text.filter { !$0.isWhitespace }
        return key.isEmpty ? nil : key
    }
}
