import ArgumentParser
import FoundationEssentials
import GantryAPIClient

/// `gantry projects`: create a CRM delivery project with the seed's phases, list them, show one.
struct ProjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects", abstract: "Create, list and show projects.",
        subcommands: [Create.self, List.self, Show.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a project (and its client, unless --client-id names one); prints its ID.")

        @Option(help: "The project's name.")
        var name: String

        @Option(help: "A new client's name (or --client-id).")
        var client: String?

        @Option(name: .customLong("client-size"), help: "A new client's size: small, medium, large, enterprise.")
        var clientSize: String?

        @Option(name: .customLong("client-id"), help: "An existing client.")
        var clientID: String?

        @Option(help: "A new client's industry.")
        var industry: String?

        @Option(help: "Start date, YYYY-MM-DD.")
        var start: String

        @Option(help: "Target date, YYYY-MM-DD.")
        var target: String?

        @Option(help: "Requirement complexity: low, medium, high, very_high.")
        var complexity: String

        @Option(help: "Team capability: low, medium, high, very_high.")
        var team: String

        @Option(help: "Project-management efficiency: low, medium, high, very_high.")
        var management: String

        @Flag(help: "Print the project as JSON instead of its ID.")
        var json = false

        @OptionGroup var api: APIOptions

        func validate() throws {
            guard (client == nil) != (clientID == nil) else { throw ValidationError("give exactly one of --client and --client-id") }
            if client != nil, clientSize == nil { throw ValidationError("a new --client needs --client-size") }
            if let clientSize, Components.Schemas.ClientSize(rawValue: clientSize) == nil {
                throw ValidationError("--client-size must be one of small, medium, large, enterprise")
            }
            for (flag, value) in [("--complexity", complexity), ("--team", team), ("--management", management)]
            where Components.Schemas.FactorLevel(rawValue: value) == nil {
                throw ValidationError("\(flag) must be one of low, medium, high, very_high")
            }
        }

        func run() async throws {
            let client = try APIClient(api)
            let size = clientSize.flatMap(Components.Schemas.ClientSize.init(rawValue:))
            let request = Components.Schemas.ProjectRequest(
                name: name,
                client: self.client.map { Components.Schemas.ClientRequest(name: $0, size: size ?? .medium, industry: industry) },
                client_id: clientID, start_date: start, target_date: target,
                factors: .init(
                    client_size: clientID == nil ? nil : size, complexity: .init(rawValue: complexity)!,
                    team_capability: .init(rawValue: team)!, management_efficiency: .init(rawValue: management)!))
            let project = try await client.call { try await $0.createProject(body: .json(request)).created.body.json }
            if json { try JSONOutput.print(project) } else { Text.writeStandardOutput(project.id + "\n") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Projects, newest first.")

        @Option(help: "At most this many a page (1-1000).")
        var limit = 100

        @Flag(help: "Every page.")
        var all = false

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            var projects: [Components.Schemas.ProjectSummary] = []
            var cursor: String?
            repeat {
                let query = Operations.listProjects.Input.Query(cursor: cursor, limit: limit)
                let page = try await client.call { try await $0.listProjects(query: query).ok.body.json }
                projects += page.projects
                cursor = page.next_cursor
            } while all && cursor != nil
            if json {
                try JSONOutput.print(projects)
                return
            }
            guard !projects.isEmpty else {
                Text.writeStandardOutput("no projects: create one with `gantry projects create`\n")
                return
            }
            var table = Table([.init("ID"), .init("NAME"), .init("STATUS"), .init("START"), .init("TARGET"), .init("CREATED")])
            for p in projects {
                table.append([p.id, p.name, p.status.rawValue, p.start_date, p.target_date ?? "-", HumanUnits.relative(p.created_at)])
            }
            table.print()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A project with its phases, progress and latest estimate.")

        @Argument(help: "The project's ID.")
        var id: String

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let p = try await client.call { try await $0.getProject(path: .init(id: id)).ok.body.json }
            if json {
                try JSONOutput.print(p)
                return
            }
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
            var table = Table([.init("PHASE"), .init("STATE"), .init("PLANNED"), .init("ACTUAL"), .init("STEPS", right: true)])
            for phase in p.phases.sorted(by: { $0.ordinal < $1.ordinal }) {
                let done = phase.steps.filter { $0.state == .done }.count
                let planned = "\(phase.planned_start ?? "?") → \(phase.planned_end ?? "?")"
                let actual = phase.actual_start.map { "\($0) → \(phase.actual_end ?? "")" } ?? "-"
                let paint: ((String) -> String)? =
                    phase.state == .done ? { Paint.good($0) } : phase.state == .blocked ? { Paint.bad($0) } : nil
                table.append([phase.phase, phase.state.rawValue, planned, actual, "\(done)/\(phase.steps.count)"], paint: paint)
            }
            table.print()
        }
    }
}
