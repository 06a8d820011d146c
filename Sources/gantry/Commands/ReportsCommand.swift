import ArgumentParser
import FoundationEssentials
import GantryAPIClient
import OpenAPIRuntime

/// `gantry reports`: list rendered reports and download one.
struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports", abstract: "List reports, and download one.", subcommands: [List.self, Get.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rendered reports, newest first.")

        @Option(name: .customLong("project"), help: "Only this project's reports.")
        var projectID: String?

        @Option(help: "html, csv or json.")
        var format: String?

        @Option(help: "At most this many (1-1000).")
        var limit = 100

        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func validate() throws {
            if let format, Components.Schemas.ReportFormat(rawValue: format) == nil { throw ValidationError("--format must be html, csv or json") }
        }

        func run() async throws {
            let client = try APIClient(api)
            let query = Operations.listReports.Input.Query(
                project_id: projectID, format: format.flatMap { .init(rawValue: $0) }, limit: limit)
            let reports = try await client.call { try await $0.listReports(query: query).ok.body.json.reports }
            try output.list(reports, none: "no reports") {
                Table(
                    [.init("ID"), .init("SCOPE"), .init("PROJECT"), .init("FORMAT"), .init("SIZE", right: true), .init("CREATED")],
                    rows: reports,
                    cells: { r in
                        [
                            r.id, r.scope.rawValue, r.project_id ?? "-", r.format.rawValue, HumanUnits.size(bytes: Int64(r.size)),
                            HumanUnits.relative(r.created_at),
                        ]
                    })
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a report (to stdout, or -o FILE).")

        @Argument(help: "The report's ID.")
        var id: String

        @Option(name: .shortAndLong, help: "Write it to this file.")
        var output: String?

        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let bytes: [UInt8] = try await client.call { client in
                switch try await client.getReport(path: .init(id: id)).ok.body {
                case .html(let body), .csv(let body): return try await [UInt8](collecting: body, upTo: 256 << 20)
                case .json(let object): return Array(try JSONOutput.string(object, pretty: true).utf8) + [10]
                }
            }
            guard let output, output != "-" else {
                Text.writeStandardOutput(String(decoding: bytes, as: UTF8.self))
                return
            }
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: output))
            } catch {
                throw CLIError(.usage, "cannot write \(output): \(error)")
            }
            Text.writeStandardError("wrote \(output) (\(HumanUnits.size(bytes: Int64(bytes.count))))\n")
        }
    }
}
