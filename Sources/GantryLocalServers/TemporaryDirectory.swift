import FoundationEssentials
import Glibc

/// Throwaway folders for servers that live only as long as a test run.
public enum TemporaryDirectory {
    /// A fresh directory under `$TMPDIR` (else `/tmp`), readable and searchable by other users, so a
    /// `postgres` user can reach what is inside. `ops/test` points `TMPDIR` into its own run folder, which it
    /// removes whatever happens, so even a killed test process leaves nothing in `/tmp`.
    public static func make(prefix: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 }
        var parent = environment ?? "/tmp"
        while parent.count > 1 && parent.hasSuffix("/") { parent.removeLast() }
        var template = Array((parent + "/" + prefix + ".XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw LocalServerError(.dataDirectory, "mkdtemp in \(parent) failed: errno \(errno)")
        }
        let path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        chmod(path, 0o755)
        return path
    }

    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
