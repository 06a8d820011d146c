import FoundationEssentials
import GantryCore
import Subprocess

#if canImport(SystemPackage)
import SystemPackage
#elseif canImport(System)
import System
#endif

/// One run of one suite as a child of this binary (`gantry bench <suite> --json …`), so that one suite's memory,
/// threads and connections never colour the next one's figures. Its stdout is the figures; its stderr passes
/// through to ours as it comes, and its last line (its last `Error:` line, when it has one) says why, when the
/// suite fails.
struct BenchSuiteRun: Sendable {
    enum Outcome: Sendable {
        /// The suite's JSON object.
        case figures([String: JSONValue])
        /// Why it failed: its exit status and its stderr's last line.
        case failed(String)
    }

    let binary: String
    /// The servers' variables, added to the inherited environment.
    let environment: [String: String]

    func run(_ suite: String, arguments: [String]) async -> Outcome {
        var changes: [Environment.Key: String?] = [:]
        for (key, value) in environment { changes[Environment.Key(stringLiteral: key)] = value }
        do {
            let result = try await Subprocess.run(
                .path(FilePath(binary)), arguments: Arguments(["bench", suite, "--json"] + arguments),
                environment: .inherit.updating(changes), input: .none, output: .string(limit: 4 << 20), error: .sequence
            ) { execution in
                // ArgumentParser follows an error with a usage hint: the error line is the reason, when there is one.
                var last = "", lastError: String?
                for try await line in execution.standardError.strings() {
                    Text.writeStandardError(line + "\n")
                    let text = line.trimmed
                    if text.hasPrefix("Error:") { lastError = text }
                    if !text.isEmpty { last = text }
                }
                return lastError ?? last
            }
            let lastLine = result.closureResult
            guard case .exited(0) = result.terminationStatus else {
                return .failed("\(result.terminationStatus): \(lastLine.isEmpty ? "(no output on stderr)" : lastLine)")
            }
            let stdout = result.standardOutput
            guard let figures = try? JSONDecoder().decode([String: JSONValue].self, from: Data(stdout.utf8)) else {
                return .failed("its output is not one JSON object: \(stdout.prefix(200))")
            }
            return .figures(figures)
        } catch {
            return .failed("could not run \(binary) bench \(suite): \(error)")
        }
    }
}
