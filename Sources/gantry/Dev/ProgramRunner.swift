import Subprocess

#if canImport(SystemPackage)
import SystemPackage
#elseif canImport(System)
import System
#endif

/// Runs a short-lived tool (initdb, createdb, useradd) to completion with swift-subprocess.
enum ProgramRunner {
    struct Outcome: Sendable {
        let status: TerminationStatus
        /// Standard output and error together, trimmed.
        let output: String
        var succeeded: Bool { status.isSuccess }
    }

    /// `program` is a path, or a name looked up on PATH.
    static func run(_ program: String, _ arguments: [String], user: ServerUser? = nil,
                    workingDirectory: String? = nil) async throws -> Outcome {
        var options = PlatformOptions()
        if let user {
            options.userID = user.uid
            options.groupID = user.gid
            options.supplementaryGroups = []
        }
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        let result = try await Subprocess.run(
            executable,
            arguments: Arguments(arguments),
            workingDirectory: workingDirectory.map { FilePath($0) },
            platformOptions: options,
            output: .string(limit: 1 << 20),
            error: .combinedWithOutput
        )
        let output = result.standardOutput.trimmed
        return Outcome(status: result.terminationStatus, output: output)
    }
}
