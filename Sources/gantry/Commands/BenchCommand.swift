import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmarks (not built yet).")
    func run() async throws { throw ValidationError("gantry bench is not built yet") }
}
