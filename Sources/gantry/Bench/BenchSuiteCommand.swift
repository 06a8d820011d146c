import ArgumentParser
import FoundationEssentials
import GantryCore

/// `gantry bench` (`gantry bench all`): every suite, each run `--runs` times as a process of its own, folded into
/// medians and spreads: one table for a person, one JSON object (`--json`) for scripts, a page (`--html`) to share.
struct BenchSuiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run every benchmark suite: medians and spreads in one table (the default of `gantry bench`).",
        discussion: """
            Runs each suite (\(BenchSuites.names.joined(separator: ", "))) as `gantry bench <suite> --json` in a
            child process, --runs times, and reports each figure's median and its spread (min–max). Against
            --redis-url / --database-url or GANTRY_REDIS_URL / GANTRY_DATABASE_URL when set; otherwise against a
            redis-server and a PostgreSQL started for the run in a throwaway directory (migrated, then stopped and
            removed). A suite that fails is named with the last line it wrote; the others still run, and the exit
            status is 1.
            """)

    @OptionGroup var servers: ServerOptions

    @Option(help: "Runs of each suite; each figure is their median (default 3, with --quick 1).")
    var runs: Int?

    @Option(help: ArgumentHelp("The suites to run, comma separated (default: all).", valueName: "queue,ceiling,…"))
    var suites: String?

    @Option(help: ArgumentHelp("Also write the report as a self-contained HTML page here.", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Also write the table in Markdown here (the README's \"Benchmarks\").", valueName: "file"))
    var markdown: String?

    @Flag(help: "Print the names of the suites this binary runs, one a line, and exit.")
    var listSuites = false

    @OptionGroup var scale: BenchScale
    @OptionGroup var output: BenchOutput

    func validate() throws {
        if let runs, runs < 1 { throw ValidationError("--runs must be at least 1") }
        _ = try selectedSuites()
    }

    /// `--suites` checked against the suites this binary has, in the umbrella's order.
    func selectedSuites() throws -> [String] {
        guard let suites else { return BenchSuites.names }
        let wanted = suites.split(separator: ",").map { $0.trimmed }.filter { !$0.isEmpty }
        if let unknown = wanted.first(where: { !BenchSuites.names.contains($0) }) {
            throw ValidationError("--suites: no suite '\(unknown)'; the suites are \(BenchSuites.names.joined(separator: ","))")
        }
        guard !wanted.isEmpty else { throw ValidationError("--suites names no suite") }
        return BenchSuites.names.filter(wanted.contains)
    }

    func run() async throws {
        if listSuites { return BenchSuites.names.forEach { print($0) } }
        let suites = try selectedSuites()
        let runs = self.runs ?? (scale.quick ? 1 : 3)
        let logger = BenchServers(label: "gantry.bench").logger
        let servers = try await BenchSuiteServers.open(self.servers, logger: logger)
        defer { servers.stop() }
        let machine = await BenchMachine.describe(servers)
        let child = BenchSuiteRun(
            binary: try GantryExecutable.path(),
            environment: ["GANTRY_REDIS_URL": servers.redisURL, "GANTRY_DATABASE_URL": servers.databaseURL])

        var summaries: [SuiteSummary] = []
        var failures: [(suite: String, reason: String)] = []
        for suite in suites {
            var figures: [[String: JSONValue]] = []
            for n in 1...runs {
                output.progress("\(suite), run \(n) of \(runs)")
                switch await child.run(suite, arguments: scale.quick ? ["--quick"] : []) {
                case .figures(let f):
                    figures.append(f)
                case .failed(let reason):
                    Text.writeStandardError("gantry bench: the \(suite) suite failed (run \(n) of \(runs)): \(reason)\n")
                    failures.append((suite, reason))
                }
                if failures.last?.suite == suite { break }
            }
            if failures.last?.suite != suite { summaries.append(SuiteSummary(suite: suite, runs: figures)) }
        }

        let report = BenchReport(summaries: summaries, failures: failures, machine: machine, runs: runs)
        if let html {
            try Data(BenchReportPage(report).html.utf8).write(to: URL(fileURLWithPath: html))
            Text.writeStandardError("gantry bench: wrote \(html)\n")
        }
        if let markdown {
            let text = report.markdown + "\nMachine: \(machine.summary). Reproduce: `ops/bench` (every suite, \(runs) run\(runs == 1 ? "" : "s") of each); "
                + "`gantry bench --quick --json` for the brief version.\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: markdown))
            Text.writeStandardError("gantry bench: wrote \(markdown)\n")
        }
        try output.report(report.json) { report.table().print()
            print("  " + machine.summary) }
        if !failures.isEmpty {
            for failure in failures { Text.writeStandardError("gantry bench: \(failure.suite) failed: \(failure.reason)\n") }
            throw ExitCode(1)
        }
    }
}

/// What one `gantry bench` measured: each suite's summary, the suites that failed and why, and the machine.
struct BenchReport: Sendable {
    let summaries: [SuiteSummary]
    let failures: [(suite: String, reason: String)]
    let machine: BenchMachine
    let runs: Int

    /// `{"queue": {…}, …, "machine": {…}}`, and `"failed": {suite: reason}` when a suite failed.
    var json: JSONValue {
        var object: [String: JSONValue] = ["machine": machine.json]
        for summary in summaries { object[summary.suite] = .object(summary.object) }
        if !failures.isEmpty {
            object["failed"] = .object(Dictionary(failures.map { ($0.suite, JSONValue.string($0.reason)) }, uniquingKeysWith: { a, _ in a }))
        }
        return .object(object)
    }

    var figures: [BenchFigure] { summaries.flatMap(\.figures) }

    /// Suite, figure, median, spread and unit, one row per figure.
    func table() -> Table {
        var table = Table([
            .init("suite"), .init("figure"), .init("median", right: true), .init("spread (min–max of \(runs))", right: true),
            .init("unit"),
        ])
        for figure in figures {
            table.append([figure.suite, figure.key, figure.formattedMedian, figure.formattedSpread, figure.unit.rawValue])
        }
        return table
    }

    /// The same rows as a Markdown table, for the README's "Benchmarks".
    var markdown: String {
        var lines = ["| suite | figure | median | spread (min–max of \(runs)) | unit |", "| --- | --- | ---: | ---: | --- |"]
        for figure in figures {
            lines.append("| \(figure.suite) | `\(figure.key)` | \(figure.formattedMedian) | \(figure.formattedSpread) | \(figure.unit.rawValue) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The median of `key` in `suite`, when that suite ran and has it.
    func median(_ suite: String, _ key: String) -> Double? {
        figures.first { $0.suite == suite && $0.key == key }?.median
    }
}
