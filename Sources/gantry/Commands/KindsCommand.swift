import ArgumentParser
import GantryAPIClient

/// `gantry kinds`: the job kinds the API accepts, with their defaults; with a name, that kind's payload schema.
struct KindsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kinds", abstract: "Job kinds with their default queue, attempts and timeout; KIND prints its payload schema.")

    @Argument(help: "Print this kind's payload schema (JSON Schema).")
    var kind: String?

    @OptionGroup var output: OutputFormat
    @OptionGroup var api: APIOptions

    func run() async throws {
        let client = try APIClient(api)
        let kinds = try await client.call { try await $0.listKinds().ok.body.json.kinds }.sorted { $0.name < $1.name }
        if let kind {
            guard let found = kinds.first(where: { $0.name == kind }) else {
                throw CLIError(.notFound, "no kind \(kind) (there are: \(kinds.map(\.name).joined(separator: ", ")))")
            }
            return try output.show(found) { try JSONOutput.print(found.payload_schema, pretty: true) }
        }
        try output.list(kinds, none: "no kinds") {
            Table(
                [.init("KIND"), .init("QUEUE"), .init("ATTEMPTS", right: true), .init("TIMEOUT", right: true)], rows: kinds,
                cells: { k in
                    [k.name, k.default_queue, String(k.default_max_attempts), HumanUnits.duration(seconds: Double(k.default_timeout_ms) / 1000)]
                })
        }
    }
}
