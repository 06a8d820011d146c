import ArgumentParser
import FoundationEssentials
import GantryAPIClient

extension ProjectsCommand {
    /// `gantry projects risks`: show or replace a project's risk register (`/v1/projects/{id}/risks`).
    struct Risks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a project's risk register, or replace it with --file.",
            discussion: """
                The file is JSON: {"risks": [...]} or the array alone, each risk {"name", "phase", "probability" (0-1), \
                "impact_weeks" (-52 to 520; negative is an opportunity), "status"?: "open"|"closed"}. Open risks enter the \
                project's forecasts unless a job's payload gives its own.
                """)

        @Argument(help: "The project's ID.")
        var id: String

        @Option(help: ArgumentHelp("Replace the register with this JSON file (- for stdin).", valueName: "file"))
        var file: String?

        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let register: Components.Schemas.RiskRegister
            if let file {
                let request = try Self.register(from: try SubmitCommand.readFile(file), name: file)
                register = try await client.call {
                    try await $0.setProjectRisks(path: .init(id: id), body: .json(request)).ok.body.json
                }
            } else {
                register = try await client.call { try await $0.getProjectRisks(path: .init(id: id)).ok.body.json }
            }
            try output.list(register.risks, json: register, none: "no risks: add them with `gantry projects risks \(id) --file risks.json`") {
                Table(
                    [
                        .init("RISK"), .init("PHASE"), .init("PROBABILITY", right: true), .init("IMPACT", right: true),
                        .init("STATUS"),
                    ],
                    rows: register.risks,
                    cells: { r in
                        [
                            r.name, r.phase.rawValue, Text.format("%.0f%%", r.probability * 100), Text.format("%+.1f wk", r.impact_weeks),
                            (r.status ?? .open).rawValue,
                        ]
                    },
                    paint: { r in r.status == .closed ? { Paint.good($0) } : nil })
            }
        }

        /// The file's register: an object with `risks` or the array alone; what does not read is a usage error.
        static func register(from bytes: [UInt8], name: String) throws(CLIError) -> Components.Schemas.RiskRegister {
            let decoder = JSONDecoder()
            do {
                if bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[") {
                    return .init(risks: try decoder.decode([Components.Schemas.ProjectRisk].self, from: Data(bytes)))
                }
                return try decoder.decode(Components.Schemas.RiskRegister.self, from: Data(bytes))
            } catch {
                throw CLIError(.usage, "\(name) is not a risk register ({\"risks\": [{\"name\", \"phase\", \"probability\", \"impact_weeks\"}]}): \(error)")
            }
        }
    }
}
