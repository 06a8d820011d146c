import FoundationEssentials
import GantryLocalServers
import Glibc

/// The path of the running gantry binary, so `gantry dev` can start its workers as `gantry worker` from the very
/// same build (not whatever `gantry` PATH finds).
enum GantryExecutable {
    static func path() throws -> String {
        // Linux: the kernel's own answer, right even when we were started through a relative path or a symlink.
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            // A rebuild replaces the file we run from; the kernel then says "(deleted)", and the new build at the
            // same path is what a restarted worker should run.
            let deleted = " (deleted)"
            let path = resolved.hasSuffix(deleted) ? String(resolved.dropLast(deleted.count)) : resolved
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        let invoked = CommandLine.arguments.first ?? "gantry"
        if invoked.contains("/") {
            let absolute = URL(fileURLWithPath: invoked).standardizedFileURL.resolvingSymlinksInPath().path
            if FileManager.default.isExecutableFile(atPath: absolute) { return absolute }
        } else if let found = ServerPrograms.find(invoked) {
            return found
        }
        throw DevError(.programMissing, "cannot find the gantry binary to start workers from (\(invoked)); "
            + "run gantry by its path, or pass --workers 0")
    }
}
