import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply database migrations (not built yet).")
    func run() async throws { throw ValidationError("gantry migrate is not built yet") }
}
