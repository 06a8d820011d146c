import ArgumentParser
import FoundationEssentials
import GantryAPIClient

/// `gantry projects`: create a CRM delivery project with the seed's phases, list them, show one, and manage
/// where its stakeholders are notified.
struct ProjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects",
        abstract: "Create, list, show and advance projects; their baselines, calendar, risks, forecasts and notification endpoints.",
        subcommands: [
            Create.self, List.self, Show.self, Advance.self, Rebaseline.self, Baselines.self, CalendarSettings.self, Risks.self,
            Forecasts.self, Endpoints.self,
        ])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a project (and its client, unless --client-id names one); prints its ID.")

        @Option(help: "The project's name.")
        var name: String

        @OptionGroup var client: ProjectClientOptions

        @Option(help: "Start date, YYYY-MM-DD.")
        var start: String

        @Option(help: "Target date, YYYY-MM-DD.")
        var target: String?

        @OptionGroup var factors: ProjectFactorOptions

        @Flag(help: "Print the project as JSON instead of its ID.")
        var json = false

        @OptionGroup var api: APIOptions

        func run() async throws {
            let api = try APIClient(self.api)
            let request = Components.Schemas.ProjectRequest(
                name: name, client: client.newClient, client_id: client.clientID, start_date: start, target_date: target,
                factors: factors.factors(existingClientSize: client.clientID == nil ? nil : client.size))
            let project = try await api.call { try await $0.createProject(body: .json(request)).created.body.json }
            if json { try JSONOutput.print(project) } else { Text.writeStandardOutput(project.id + "\n") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Projects, newest first.")

        @OptionGroup var pages: PageOptions
        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let projects = try await pages.collect(defaultLimit: 100) { after, limit in
                let query = Operations.listProjects.Input.Query(cursor: after, limit: limit)
                let page = try await client.call { try await $0.listProjects(query: query).ok.body.json }
                return (page.projects, page.next_cursor)
            }.items
            try output.list(projects, none: "no projects: create one with `gantry projects create`") {
                Table(
                    [.init("ID"), .init("NAME"), .init("STATUS"), .init("START"), .init("TARGET"), .init("CREATED")], rows: projects,
                    cells: { p in [p.id, p.name, p.status.rawValue, p.start_date, p.target_date ?? "-", HumanUnits.relative(p.created_at)] })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A project with its phases, progress and latest estimate.")

        @Argument(help: "The project's ID.")
        var id: String

        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let project = try await client.call { try await $0.getProject(path: .init(id: id)).ok.body.json }
            try output.show(project) { Self.describe(project) }
        }

        /// The project's facts, then a table of its phases.
        static func describe(_ p: Components.Schemas.Project) {
            var text = Paint.header(p.name) + "  \(p.id)\n"
            text += "client    \(p.client.name) (\(p.client.size.rawValue))\n"
            text += "status    \(p.status.rawValue), \(Int((p.progress * 100).rounded()))% of steps done\n"
            text += "dates     start \(p.start_date), target \(p.target_date ?? "none")\n"
            text += "factors   complexity \(p.factors.complexity.rawValue), team \(p.factors.team_capability.rawValue), "
                + "management \(p.factors.management_efficiency.rawValue)\n"
            if let e = p.latest_estimate {
                text += Text.format("estimate  P50 %.1f, P80 %.1f, P90 %.1f weeks", e.p50_weeks, e.p80_weeks, e.p90_weeks)
                if let finish = e.p80_finish { text += ", P80 finish \(finish)" }
                if let onTime = e.probability_on_time { text += Text.format(", %.0f%% on time", onTime * 100) }
                text += " (\(e.kind.rawValue), \(HumanUnits.relative(e.created_at)))\n"
            }
            Text.writeStandardOutput(text + "\n")
            Table(
                [.init("PHASE"), .init("STATE"), .init("PLANNED"), .init("ACTUAL"), .init("STEPS", right: true)],
                rows: p.phases.sorted(by: { $0.ordinal < $1.ordinal }),
                cells: { phase in
                    let done = phase.steps.filter { $0.state == .done }.count
                    let planned = "\(phase.planned_start ?? "?") → \(phase.planned_end ?? "?")"
                    let actual = phase.actual_start.map { "\($0) → \(phase.actual_end ?? "")" } ?? "-"
                    return [phase.phase, phase.state.rawValue, planned, actual, "\(done)/\(phase.steps.count)"]
                },
                paint: { phase in phase.state == .done ? { Paint.good($0) } : phase.state == .blocked ? { Paint.bad($0) } : nil }
            ).print()
            if let tracking = p.tracking { describe(tracking) }
        }

        /// The phase model's view: progress and health, the gates, the latest events and the follow-up chains.
        static func describe(_ t: Components.Schemas.ProjectTracking) {
            var text = "\n" + Paint.header("TRACKING") + "  \(t.status.rawValue), \(Int((t.progress * 100).rounded()))% done "
                + "(phases weighted by length), " + (t.at_risk ? Paint.bad("at risk") : "on track")
                + (t.current_phase.map { ", current phase \($0)" } ?? ", every phase done") + "\n"
            for phase in t.phases {
                guard let gate = phase.gate, let step = phase.steps.first(where: { $0.step == gate }) else { continue }
                let verdict = step.state == .done
                    ? "approved by \(step.approved_by ?? "?") on \(step.actual_end ?? "?")" : step.state.rawValue
                text += "gate      \(phase.phase).\(gate): \(verdict)\n"
            }
            Text.writeStandardOutput(text)
            let recent = t.events.suffix(10)
            Text.writeStandardOutput("\n" + Paint.header("EVENTS") + (t.events.count > 10 ? " (latest 10 of \(t.events.count))" : "") + "\n")
            Text.writeStandardOutput(recent.isEmpty ? "none yet: `gantry projects advance` records them\n" : recent.map { eventLine($0) + "\n" }.joined())
            let chains = t.follow_ups ?? []
            Text.writeStandardOutput("\n" + Paint.header("FOLLOW-UPS") + "\n")
            guard !chains.isEmpty else { return Text.writeStandardOutput("none yet\n") }
            Table(
                [.init("CHAIN"), .init("TRIGGER"), .init("STATE"), .init("STEPS")], rows: chains,
                cells: { run in
                    [
                        run.chain, String(run.trigger_event.prefix(8)), run.state.rawValue,
                        run.steps.map { "\($0.kind) \($0.state.rawValue)" }.joined(separator: " → "),
                    ]
                },
                paint: { run in run.state == .failed ? { Paint.bad($0) } : run.state == .running ? { Paint.warn($0) } : nil }
            ).print()
        }

        /// `2026-03-02  gate_approved  requirements_analysis.review  approved by Ada  (by ci)`.
        static func eventLine(_ e: Components.Schemas.ProjectEvent) -> String {
            var line = "\(e.day)  \(e._type)"
            if let phase = e.phase { line += "  " + phase + (e.step.map { ".\($0)" } ?? "") }
            if let approver = e.approved_by { line += "  approved by \(approver)" }
            if let elapsed = e.days_elapsed, let limit = e.p80_days { line += "  \(elapsed) days, P80 \(limit)" }
            if let slip = e.slip_working_days { line += "  P80 finish slipped \(slip) working days, to \(e.p80_finish ?? "?")" }
            if let actor = e.actor { line += "  (by \(actor))" }
            return line
        }
    }
}
