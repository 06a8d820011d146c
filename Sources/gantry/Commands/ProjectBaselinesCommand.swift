import ArgumentParser
import FoundationEssentials
import GantryAPIClient

extension ProjectsCommand {
    /// `gantry projects rebaseline`: a change request, as `POST /v1/projects/{id}/baselines`.
    struct Rebaseline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-baseline a project for a change request: new factors and/or phase weeks; earlier versions are kept.",
            discussion: """
                Each phase is planned as its base weeks (the seed's midpoint unless --weeks set it) times the multiplier \
                of the project's factors. Phases done keep their plan; the rest move. Prints the new version.
                """)

        @Argument(help: "The project's ID.")
        var id: String

        @Option(help: "Why the plan changes (the change request).")
        var reason: String

        @Option(name: .customLong("client-size"), help: "New client size: small, medium, large, enterprise.")
        var clientSize: String?

        @Option(help: "New requirement complexity: low, medium, high, very_high.")
        var complexity: String?

        @Option(help: "New team capability: low, medium, high, very_high.")
        var team: String?

        @Option(help: "New project-management efficiency: low, medium, high, very_high.")
        var management: String?

        @Option(help: ArgumentHelp("New base weeks of a phase, phase=weeks (development_and_testing=14); repeatable.", valueName: "phase=weeks"))
        var weeks: [String] = []

        @Flag(help: "Print the new version as JSON.")
        var json = false

        @OptionGroup var api: APIOptions

        func validate() throws {
            if let clientSize, Components.Schemas.ClientSize(rawValue: clientSize) == nil {
                throw ValidationError("--client-size must be one of small, medium, large, enterprise")
            }
            for (flag, value) in [("--complexity", complexity), ("--team", team), ("--management", management)] {
                if let value, Components.Schemas.FactorLevel(rawValue: value) == nil {
                    throw ValidationError("\(flag) must be one of low, medium, high, very_high")
                }
            }
            _ = try phaseWeeks()
        }

        /// `--weeks` as the request's object; a phase the API plans no length for is refused here.
        func phaseWeeks() throws -> Components.Schemas.BaselineRequest.phase_weeksPayload? {
            guard !weeks.isEmpty else { return nil }
            var payload = Components.Schemas.BaselineRequest.phase_weeksPayload()
            for item in weeks {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let value = Double(parts[1]) else {
                    throw ValidationError("--weeks takes phase=weeks (development_and_testing=14), got '\(item)'")
                }
                switch parts[0] {
                case "requirements_analysis", "requirements": payload.requirements_analysis = value
                case "system_design", "design": payload.system_design = value
                case "development_and_testing", "development": payload.development_and_testing = value
                case "deployment_and_training", "deployment": payload.deployment_and_training = value
                default:
                    throw ValidationError(
                        "--weeks: '\(parts[0])' is not a planned phase (requirements_analysis, system_design, development_and_testing, deployment_and_training)")
                }
            }
            return payload
        }

        func run() async throws {
            let client = try APIClient(api)
            var factors: Components.Schemas.BaselineRequest.factorsPayload?
            if clientSize != nil || complexity != nil || team != nil || management != nil {
                factors = .init(
                    client_size: clientSize.flatMap(Components.Schemas.ClientSize.init(rawValue:)),
                    complexity: complexity.flatMap(Components.Schemas.FactorLevel.init(rawValue:)),
                    team_capability: team.flatMap(Components.Schemas.FactorLevel.init(rawValue:)),
                    management_efficiency: management.flatMap(Components.Schemas.FactorLevel.init(rawValue:)))
            }
            let request = Components.Schemas.BaselineRequest(reason: reason, factors: factors, phase_weeks: try phaseWeeks())
            let baseline = try await client.call {
                try await $0.createProjectBaseline(path: .init(id: id), body: .json(request)).created.body.json
            }
            if json { return try JSONOutput.print(baseline) }
            Baselines.describe(baseline)
        }
    }

    /// `gantry projects baselines`: every version of a project's plan.
    struct Baselines: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every version of a project's plan, oldest first.")

        @Argument(help: "The project's ID.")
        var id: String

        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let list = try await client.call { try await $0.listProjectBaselines(path: .init(id: id)).ok.body.json }
            try output.show(list) {
                for (index, baseline) in list.baselines.enumerated() {
                    if index > 0 { Text.writeStandardOutput("\n") }
                    Self.describe(baseline)
                }
            }
        }

        /// `version 2  2026-12-01 23:40  CR-7: data migration scope doubled` and the phases' plan.
        static func describe(_ b: Components.Schemas.Baseline) {
            let f = b.factors
            Text.writeStandardOutput(
                Paint.header("version \(b.version)") + "  \(HumanUnits.relative(b.created_at))  \(b.reason)\n"
                    + "factors   client \(f.client_size.rawValue), complexity \(f.complexity.rawValue), team \(f.team_capability.rawValue), "
                    + "management \(f.management_efficiency.rawValue)\n")
            Table(
                [
                    .init("PHASE"), .init("BASE WK", right: true), .init("×", right: true), .init("PLANNED WK", right: true),
                    .init("PLANNED"),
                ],
                rows: b.phases,
                cells: { p in
                    [
                        p.phase, p.base_weeks.map { Text.format("%.1f", $0) } ?? "-", Text.format("%.3f", p.multiplier),
                        p.planned_weeks.map { Text.format("%.1f", $0) } ?? "-", "\(p.planned_start) → \(p.planned_end ?? "ongoing")",
                    ]
                }
            ).print()
        }
    }
}
