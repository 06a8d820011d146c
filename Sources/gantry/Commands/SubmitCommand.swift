import ArgumentParser
import FoundationEssentials
import Glibc
import GantryAPIClient

/// `gantry submit`: enqueue one job (and optionally follow it to its end), or a file of payloads in bulk.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a job (prints its ID), or one job per line of a file.",
        discussion: """
            The API checks the payload against the kind's schema before anything is stored; a refusal names the \
            field and exits 2. --wait follows the job with a progress bar on stderr and prints its result; it \
            exits 1 when the job ends dead or cancelled. --file submits one JSON payload per line in bulk \
            requests and prints a summary: taken, deduplicated, and each refused line with its number (exit 2 \
            when any line was refused).
            """)

    @Argument(help: "The job kind (`gantry kinds` lists them), e.g. estimate.simulate.")
    var kind: String

    @Option(help: ArgumentHelp("The payload: JSON, or @FILE to read it from a file (default {}).", valueName: "JSON|@FILE"))
    var payload: String?

    @Option(help: ArgumentHelp("One JSON payload per line (- for stdin), submitted in bulk.", valueName: "FILE"))
    var file: String?

    @OptionGroup var job: JobRequestOptions

    @Flag(help: "Follow the job to its end and print its result.")
    var wait = false

    @OptionGroup var waitTimeout: WaitTimeoutOption

    @Option(name: .customLong("batch-size"), help: "Jobs per bulk request with --file (1-10000).")
    var batchSize = 1_000

    @Flag(help: "With --file, print the summary as JSON.")
    var json = false

    @OptionGroup var api: APIOptions

    func validate() throws {
        if file != nil, payload != nil { throw ValidationError("--payload and --file exclude each other") }
        if file != nil, wait { throw ValidationError("--wait follows one job; it cannot be used with --file") }
        if !(1...10_000).contains(batchSize) { throw ValidationError("--batch-size must be 1-10000") }
    }

    func run() async throws {
        let client = try APIClient(api)
        var template = job.request(kind: kind)
        if let file {
            try await submitFile(file, template: template, client: client)
            return
        }
        template.payload = try readPayload()
        let request = template
        let enqueued = try await client.call { client in
            try await client.createJob(body: .json(request)).created.body.json
        }
        Text.writeStandardOutput(enqueued.id + "\n")
        if !enqueued.enqueued {
            Text.writeStandardError("not stored again: job \(enqueued.id) already holds this unique key\n")
        }
        guard wait else { return }
        let follower = JobFollower(api: client, timeoutSeconds: waitTimeout.seconds)
        let job = try await follower.follow(id: enqueued.id, queue: enqueued.queue)
        Text.writeStandardOutput((try job.result.map { try JSONOutput.string($0, pretty: false) } ?? "null") + "\n")
    }

    private func readPayload() throws(CLIError) -> Components.Schemas.JobRequest.payloadPayload {
        guard let payload else { return .init() }
        let bytes: [UInt8]
        if payload.hasPrefix("@") {
            bytes = try Self.readFile(String(payload.dropFirst()))
        } else {
            bytes = Array(payload.utf8)
        }
        do {
            return try JSONDecoder().decode(Components.Schemas.JobRequest.payloadPayload.self, from: Data(bytes))
        } catch {
            throw CLIError(.usage, "--payload is not a JSON object\(payload.hasPrefix("@") ? " (in \(payload.dropFirst()))" : "")")
        }
    }

    private func submitFile(_ path: String, template: Components.Schemas.JobRequest, client: APIClient) async throws {
        let (lines, refused) = BulkSubmitter.read(try Self.readFile(path))
        let submitter = BulkSubmitter(api: client, template: template, batchSize: batchSize)
        let summary = try await submitter.submit(lines, refusedEarlier: refused)
        if json {
            try JSONOutput.print(summary)
        } else {
            let rate = summary.seconds > 0 ? " (\(HumanUnits.duration(seconds: summary.seconds)), \(HumanUnits.rate(Double(summary.taken) / summary.seconds)))" : ""
            var text = "\(HumanUnits.count(summary.lines)) lines: \(Paint.good(HumanUnits.count(summary.taken))) taken, "
                + "\(HumanUnits.count(summary.deduplicated)) deduplicated, "
                + "\(summary.refused.isEmpty ? "0" : Paint.bad(HumanUnits.count(summary.refused.count))) refused\(rate)\n"
            for refusal in summary.refused.prefix(100) {
                text += "  line \(refusal.line): \(refusal.message) (\(refusal.code)\(refusal.field.map { ", field \($0)" } ?? ""))\n"
            }
            if summary.refused.count > 100 { text += "  … and \(HumanUnits.count(summary.refused.count - 100)) more (--json lists them all)\n" }
            Text.writeStandardOutput(text)
        }
        if !summary.refused.isEmpty {
            throw ExitCode(2)
        }
    }

    /// A file's bytes (`-` is stdin); a file that cannot be read is a usage error naming it.
    static func readFile(_ path: String) throws(CLIError) -> [UInt8] {
        if path == "-" {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                bytes.append(contentsOf: buffer[..<n])
            }
            return bytes
        }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CLIError(.usage, "cannot read \(path): \(error.localizedDescription)")
        }
    }
}
