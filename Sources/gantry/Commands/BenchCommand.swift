import ArgumentParser

/// `gantry bench …`: speed is a feature, measured here rather than in timed tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Gantry's speed on this machine.",
        discussion: """
            With no subcommand, runs every suite (`gantry bench all`): medians and spreads in one table, --json for
            one object with a key per suite, --html for a page with charts. Each suite also runs alone, printing
            figures a person can compare, or with --json one JSON object for scripts.
            """,
        subcommands: [BenchSuiteCommand.self] + BenchSuites.commands + [MigrateBenchAlias.self],
        defaultSubcommand: BenchSuiteCommand.self
    )
}
