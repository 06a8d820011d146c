import ArgumentParser

/// `gantry bench migrate`, the import benchmark's old name: hidden from the help, and kept for one release so that
/// scripts written against it keep working (a schema migration is `gantry migrate`; this never was one).
struct MigrateBenchAlias: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: ImportBenchCommand.configuration.abstract,
        discussion: ImportBenchCommand.configuration.discussion, shouldDisplay: false)

    @OptionGroup var benchmark: ImportBench

    func run() async throws { try await benchmark.run() }
}
