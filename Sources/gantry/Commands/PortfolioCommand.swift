import ArgumentParser
import FoundationEssentials
import GantryAPIClient

/// `gantry portfolio`: every project at a glance, as `GET /v1/portfolio` serves it. The command only renders
/// the API's answer (`--json` prints it as is), so the CLI and the API cannot disagree.
struct PortfolioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portfolio",
        abstract: "Projects per phase, status and health; upcoming gates and go-lives; the ranking by slip.",
        discussion: """
            Slip is the latest forecast's P80 finish minus the target date, in days; projects without a target or a \
            forecast rank last. --json prints the API's document (GET /v1/portfolio), every row included.
            """)

    @Option(help: "Rows shown in each table (the JSON always has them all).")
    var limit = 20

    @OptionGroup var output: OutputFormat
    @OptionGroup var api: APIOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be 1 or more") }
    }

    func run() async throws {
        let client = try APIClient(api)
        let portfolio = try await client.call { try await $0.getPortfolio().ok.body.json }
        try output.show(portfolio) { describe(portfolio) }
    }

    func describe(_ p: Components.Schemas.Portfolio) {
        func counts(_ items: [Components.Schemas.PortfolioCount]) -> String {
            items.map { "\($0.key) \($0.projects)" }.joined(separator: ", ")
        }
        var text = Paint.header("Portfolio") + "  \(p.project_count) projects, today \(p.today)\n"
        text += "phase     \(counts(p.by_phase))\n"
        text += "status    \(counts(p.by_status))\n"
        text += "health    \(p.health.at_risk) at risk, \(p.health.on_track) on track (open projects)\n"
        Text.writeStandardOutput(text)

        section("Upcoming gates", p.upcoming_gates) { rows in
            Table(
                [.init("PROJECT"), .init("GATE"), .init("STATE"), .init("PLANNED END")], rows: rows,
                cells: { g in
                    [g.project_name, "\(g.phase).\(g.step)", g.state.rawValue, (g.planned_end ?? "-") + (g.overdue ? " (overdue)" : "")]
                },
                paint: { g in g.overdue ? { Paint.bad($0) } : nil })
        }
        section("Go-lives", p.go_lives) { rows in
            Table(
                [.init("PROJECT"), .init("STATE"), .init("PLANNED"), .init("P80 FINISH")], rows: rows,
                cells: { g in [g.project_name, g.state.rawValue, g.planned ?? "-", g.p80_finish ?? "-"] },
                paint: { g in
                    if let planned = g.planned, let p80 = g.p80_finish, p80 > planned { return { Paint.warn($0) } }
                    return nil
                })
        }
        section("Ranking by slip", p.projects) { rows in
            Table(
                [
                    .init("#", right: true), .init("PROJECT"), .init("STATUS"), .init("PHASE"), .init("TARGET"),
                    .init("P80 FINISH"), .init("SLIP", right: true), .init("FORECAST AGE"), .init("HEALTH"),
                ], rows: rows,
                cells: { r in
                    [
                        "\(r.rank)", r.name, r.status.rawValue, r.current_phase ?? "done", r.target_date ?? "-", r.p80_finish ?? "-",
                        r.slip_days.map { "\($0 > 0 ? "+" : "")\($0)d" } ?? "-",
                        r.forecast_age_seconds.map { HumanUnits.duration(seconds: Double($0)) } ?? "none",
                        r.at_risk ? "at risk" : "ok",
                    ]
                },
                paint: { r in r.at_risk ? { Paint.bad($0) } : (r.slip_days ?? 0) > 0 ? { Paint.warn($0) } : nil })
        }
    }

    /// A titled table of at most `limit` rows, saying how many more the JSON holds.
    func section<Row>(_ title: String, _ rows: [Row], table: ([Row]) -> Table) {
        var text = "\n" + Paint.header(title.uppercased()) + "\n"
        if rows.isEmpty {
            Text.writeStandardOutput(text + "none\n")
            return
        }
        text += table(Array(rows.prefix(limit))).rendered()
        if rows.count > limit { text += "… and \(rows.count - limit) more (--limit, or --json for all)\n" }
        Text.writeStandardOutput(text)
    }
}
