import ArgumentParser
import FoundationEssentials
import GantryAPIClient
import OpenAPIRuntime

/// `gantry import`: upload one entity's CSV export for a project; with `--wait`, follow its batches and print
/// the reconciliation.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV file of one entity into a project (prints the import's ID).",
        discussion: """
            The API splits the file into migration.batch jobs. --wait shows progress per batch on stderr, then the \
            counts and the reconciliation; it exits 1 when the import ends unbalanced. --dry-run validates, \
            normalises and merges the file in a transaction that is rolled back, and prints the counts the import \
            would have and the first rejected rows; it stores nothing. Files that are not UTF-8 are read as \
            GB18030 (GBK) when they decode as that, and the output says so; --encoding names the encoding instead.
            """)

    @Argument(help: "The CSV file (- for stdin).")
    var file: String

    @Option(name: .customLong("project"), help: "The project's ID.")
    var projectID: String

    @Option(help: "accounts, contacts, leads, deals or activities.")
    var entity: String

    @Option(help: "The source system's column names: gantry, salesforce, zoho or fxiaoke (default gantry).")
    var profile: String?

    @Option(help: "The file's encoding: auto (default: UTF-8, else GB18030), utf-8, gb18030 or gbk.")
    var encoding: String?

    @Flag(help: "Report what the import would create, update, leave unchanged and reject, committing nothing.")
    var dryRun = false

    @Flag(help: "Follow the batches to the end and print the reconciliation.")
    var wait = false

    @OptionGroup var waitTimeout: WaitTimeoutOption

    @Flag(help: "Print the import as JSON.")
    var json = false

    @OptionGroup var api: APIOptions

    func validate() throws {
        if Components.Schemas.ImportEntity(rawValue: entity) == nil {
            throw ValidationError("--entity must be one of accounts, contacts, leads, deals, activities")
        }
        if let profile, Components.Schemas.ImportProfile(rawValue: profile) == nil {
            throw ValidationError("--profile must be one of gantry, salesforce, zoho, fxiaoke")
        }
        if let encoding, Self.wireEncoding(encoding) == nil {
            throw ValidationError("--encoding must be one of auto, utf-8, gb18030, gbk")
        }
        if dryRun && wait {
            throw ValidationError("--dry-run answers at once; it cannot be combined with --wait")
        }
    }

    /// The wire's name for an encoding a person typed (`UTF8`, `GBK`, …).
    static func wireEncoding(_ name: String) -> Components.Schemas.ImportEncoding? {
        switch name.lowercased() {
        case "utf8": .utf_hyphen_8
        default: Components.Schemas.ImportEncoding(rawValue: name.lowercased())
        }
    }

    func run() async throws {
        let client = try APIClient(api)
        let bytes = try SubmitCommand.readFile(file)
        let name = file == "-" ? "stdin.csv" : String(file.split(separator: "/").last ?? "upload.csv")
        if dryRun {
            try await rehearse(client, bytes: bytes, name: name)
            return
        }
        let query = Operations.createImport.Input.Query(
            project_id: projectID, entity: .init(rawValue: entity)!, profile: profile.flatMap { .init(rawValue: $0) }, name: name,
            encoding: encoding.flatMap(Self.wireEncoding))
        var current = try await client.call { try await $0.createImport(query: query, body: .csv(HTTPBody(bytes))).accepted.body.json }
        if let note = current.encoding_note { Text.writeStandardError("\(name): \(note)\n") }
        if !wait {
            if json { try JSONOutput.print(current) } else { Text.writeStandardOutput(current.id + "\n") }
            return
        }
        Text.writeStandardError("import \(current.id): \(HumanUnits.count(current.source_rows)) rows in \(current.batch_count) batches\n")
        var bar = ProgressBar(total: max(1, current.batch_count), unit: "batches")
        let started = ContinuousClock.now
        let limit = waitTimeout.seconds
        let id = current.id
        while current.batches_done < current.batch_count || current.status == .loading {
            bar.update(current.batches_done, note: Self.counts(current.counts))
            if let limit, (ContinuousClock.now - started).seconds > limit {
                bar.finish(current.batches_done, note: Self.counts(current.counts))
                throw CLIError(.jobFailed, "import \(id) is still loading after \(HumanUnits.duration(seconds: limit))")
            }
            try await Task.sleep(for: .milliseconds(500))
            current = try await client.call { try await $0.getImport(path: .init(id: id)).ok.body.json }
        }
        bar.finish(current.batches_done, note: Self.counts(current.counts))
        if json {
            try JSONOutput.print(current)
        } else {
            var text = "\(current.id)\n"
            text += "\(current.entity.rawValue) from \(current.source_name): \(Self.counts(current.counts))\n"
            let status = current.status == .balanced ? Paint.good(current.status.rawValue) : Paint.bad(current.status.rawValue)
            text += "reconciliation: \(status)\n"
            if let reconciliation = current.reconciliation {
                text += try JSONOutput.string(reconciliation, pretty: true) + "\n"
            }
            Text.writeStandardOutput(text)
        }
        if current.status == .unbalanced {
            throw CLIError(.jobFailed, "import \(id) ended unbalanced (see the reconciliation; `gantry` cannot fix the data)")
        }
    }

    static func counts(_ c: Components.Schemas.ImportCounts) -> String {
        "\(HumanUnits.count(c.created)) created, \(HumanUnits.count(c.updated)) updated, "
            + "\(HumanUnits.count(c.unchanged)) unchanged, \(HumanUnits.count(c.rejected)) rejected"
    }
}
