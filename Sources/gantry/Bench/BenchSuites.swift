import ArgumentParser

/// The suites `gantry bench` runs, in this order: each a subcommand of `gantry bench` that prints one JSON object
/// with `--json` and runs briefly with `--quick`. The queue and its Redis ceiling run one after the other, so the
/// two figures the table compares come from the same state of the machine. A suite added here is registered as a
/// subcommand and run by the umbrella alike.
enum BenchSuites {
    static let commands: [any ParsableCommand.Type] = [
        QueueBenchCommand.self, CeilingBenchCommand.self, WorkersBenchCommand.self, EstimateBenchCommand.self,
        ImportBenchCommand.self, APIBenchCommand.self, ScaleBenchCommand.self,
    ]

    /// The suites' subcommand names (`queue`, `ceiling`, …), which are also their keys in `gantry bench --json`.
    static var names: [String] { commands.map { $0.configuration.commandName ?? $0._commandName } }
}
