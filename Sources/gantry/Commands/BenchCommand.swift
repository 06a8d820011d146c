import ArgumentParser

/// `gantry bench …`: speed is a feature, measured here rather than in timed tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Gantry's speed on this machine.",
        discussion: "Each benchmark prints figures a person can compare; --json prints one JSON object for scripts.",
        subcommands: [
            QueueBenchCommand.self, WorkersBenchCommand.self, EstimateBenchCommand.self, ImportBenchCommand.self,
            APIBenchCommand.self, ScaleBenchCommand.self, MigrateBenchAlias.self,
        ]
    )
}
