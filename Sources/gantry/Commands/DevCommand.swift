import ArgumentParser

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dev", abstract: "Run Gantry locally (not built yet).")
    func run() async throws { throw ValidationError("gantry dev is not built yet") }
}
