import ArgumentParser
import Glibc

extension Gantry {
    /// ArgumentParser's own `main()`, with exit statuses scripts can trust: a usage error exits 2 (not
    /// ArgumentParser's 64, so `gantry` agrees with other Unix tools), and a `CLIError` exits with its own status
    /// after one line on stderr instead of a usage text.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            Text.writeStandardError("gantry: \(error)\n")
            Glibc.exit(error.exitCode)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Text.writeStandardError(fullMessage(for: error) + "\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
