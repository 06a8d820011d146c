import ArgumentParser
import FoundationEssentials
import GantryAPIClient
import GantryDomain

extension ProjectsCommand {
    /// `gantry projects forecasts`: a project's forecast history (`GET /v1/projects/{id}/forecasts`).
    struct Forecasts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A project's forecasts over time: P50/P80 finish and on-time probability, with the P80 slip as a sparkline.")

        @Argument(help: "The project's ID.")
        var id: String

        @Option(help: "The latest this many forecasts (1-1000).")
        var limit = 200

        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1-1000") }
        }

        func run() async throws {
            let client = try APIClient(api)
            let history = try await client.call {
                try await $0.listProjectForecasts(path: .init(id: id), query: .init(limit: limit)).ok.body.json
            }
            let points = history.forecasts
            let slips = Self.slips(points)
            try output.list(points, json: history, none: "no forecasts yet: run estimate.simulate for this project") {
                Table(
                    [
                        .init("CREATED"), .init("KIND"), .init("P50 FINISH"), .init("P80 FINISH"), .init("P80 SLIP", right: true),
                        .init("ON TIME", right: true),
                    ],
                    rows: Array(zip(points, slips)),
                    cells: { point, slip in
                        [
                            HumanUnits.relative(point.created_at), point.kind.rawValue, point.p50_finish ?? "-", point.p80_finish ?? "-",
                            slip.map { Self.signed($0) } ?? "-", point.probability_on_time.map { Text.format("%.0f%%", $0 * 100) } ?? "-",
                        ]
                    },
                    paint: { _, slip in (slip ?? 0) > 0 ? { Paint.bad($0) } : nil })
            }
            guard !output.json, let line = Self.sparkline(slips) else { return }
            Text.writeStandardOutput("\nP80 slip  \(line)\n")
        }

        /// Calendar days each P80 finish lies after the first one (nil without a finish).
        static func slips(_ points: [Components.Schemas.ForecastPoint]) -> [Int?] {
            let first = points.lazy.compactMap { $0.p80_finish.flatMap(CalendarDay.init) }.first
            return points.map { point in
                guard let first, let day = point.p80_finish.flatMap(CalendarDay.init) else { return nil }
                return first.days(until: day)
            }
        }

        /// The slip's trend, lowest P80 as the floor, and the total (`▁▁▃█  +12 d since the first forecast`).
        static func sparkline(_ slips: [Int?]) -> String? {
            let known = slips.compactMap { $0 }
            guard known.count >= 2, let floor = known.min(), let last = known.last else { return nil }
            var line = Sparkline(capacity: known.count)
            for slip in known { line.append(slip - floor) }
            return line.rendered + "  " + signed(last) + " since the first forecast"
        }

        static func signed(_ days: Int) -> String { days > 0 ? "+\(days) d" : "\(days) d" }
    }
}
