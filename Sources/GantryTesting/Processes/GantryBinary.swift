import Foundation

/// The real `gantry` binary for tests that run it as users do (CLI, cluster, `gantry dev`).
public enum GantryBinary {
    /// `GANTRY_BINARY` when set, else the `gantry` that `swift build --build-tests` built beside this test bundle.
    public static func url() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["GANTRY_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let candidate = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("gantry")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw TestServerError(.binaryMissing,
                                  "no gantry binary at \(candidate.path): build it first (swift build --build-tests builds it)")
        }
        return candidate
    }
}
