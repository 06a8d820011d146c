import ArgumentParser
import FoundationEssentials
import GantryAPIClient

/// `gantry jobs`: find, inspect, cancel and retry jobs through the API.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, show, cancel and retry jobs.",
        subcommands: [List.self, Show.self, Cancel.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Jobs of one queue, newest first.")

        @Option(help: "The queue.")
        var queue = "default"

        @Option(help: "ready, delayed, leased, completed, dead or cancelled.")
        var state: String?

        @Option(help: "Only this kind.")
        var kind: String?

        @Option(name: .customLong("project"), help: "Only this project's jobs.")
        var projectID: String?

        @OptionGroup var pages: PageOptions
        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func validate() throws {
            if let state, Components.Schemas.JobState(rawValue: state) == nil {
                throw ValidationError("--state must be one of \(Components.Schemas.JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            let client = try APIClient(api)
            let (jobs, cursor) = try await pages.collect(defaultLimit: 50) { after, limit in
                let query = Operations.listJobs.Input.Query(
                    queue: queue, state: state.flatMap(Components.Schemas.JobState.init(rawValue:)), kind: kind,
                    project_id: projectID, cursor: after, limit: limit)
                let page = try await client.call { try await $0.listJobs(query: query).ok.body.json }
                return (page.jobs, page.next_cursor)
            }
            try output.list(jobs, none: "no jobs in queue \(queue)\(state.map { " in state \($0)" } ?? "")") {
                Table(
                    [
                        .init("ID"), .init("KIND"), .init("STATE"), .init("ATTEMPTS", right: true), .init("PRIORITY", right: true),
                        .init("ENQUEUED"), .init("RUNS"), .init("LAST ERROR"),
                    ], rows: jobs,
                    cells: { job in
                        let runs = job.run_at > Date() ? HumanUnits.relative(job.run_at) : "-"
                        let error = job.last_error.map { $0.count > 60 ? String($0.prefix(59)) + "…" : $0 } ?? ""
                        return [
                            job.id, job.kind, job.state.rawValue, String(job.attempts), String(job.priority),
                            HumanUnits.relative(job.enqueued_at), runs, error.replacing("\n", with: " "),
                        ]
                    }, paint: { JobsCommand.paint($0.state) })
            }
            if let cursor, !pages.all, !output.json, !jobs.isEmpty {
                Text.writeStandardError(Paint.faint("more: --all, or the API's cursor \(cursor)") + "\n")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A job's state, attempts, progress, payload, result and last error.")

        @OptionGroup var job: JobReference
        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let job = try await client.call {
                try await $0.getJob(path: .init(id: self.job.id), query: .init(queue: self.job.queue)).ok.body.json
            }
            try output.show(job) { try Self.describe(job) }
        }

        /// The job as aligned `name  value` lines.
        static func describe(_ job: Components.Schemas.Job) throws {
            var lines: [(String, String)] = [
                ("id", job.id), ("kind", job.kind), ("queue", job.queue),
                ("state", (JobsCommand.paint(job.state) ?? { $0 })(job.state.rawValue)),
                ("attempts", "\(job.attempts) of \(job.max_attempts)"), ("priority", String(job.priority)),
                ("enqueued", "\(job.enqueued_at.formatted(.iso8601)) (\(HumanUnits.relative(job.enqueued_at)))"),
                ("run at", "\(job.run_at.formatted(.iso8601)) (\(HumanUnits.relative(job.run_at)))"),
            ]
            if let progress = job.progress { lines.append(("progress", "\(progress)%" + (job.progress_message.map { "  \($0)" } ?? ""))) }
            if let finished = job.finished_at { lines.append(("finished", "\(finished.formatted(.iso8601)) (\(HumanUnits.relative(finished)))")) }
            if let project = job.project_id { lines.append(("project", project)) }
            if let group = job.group { lines.append(("group", group)) }
            if let unique = job.unique { lines.append(("unique", unique)) }
            if job.cancel_requested { lines.append(("cancel", "requested")) }
            if let error = job.last_error { lines.append(("last error", Paint.bad(error))) }
            lines.append(("payload", try JSONOutput.string(job.payload, pretty: false)))
            if let result = job.result { lines.append(("result", try JSONOutput.string(result, pretty: false))) }
            let width = lines.map(\.0.count).max() ?? 0
            Text.writeStandardOutput(lines.map { Paint.header($0.0.padded(to: width)) + "  " + $0.1 }.joined(separator: "\n") + "\n")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a waiting job, or ask a running job's worker to stop it.")

        @OptionGroup var job: JobReference
        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let result = try await client.call {
                try await $0.cancelJob(path: .init(id: job.id), query: .init(queue: job.queue)).ok.body.json
            }
            switch result.outcome {
            case .cancelled: Text.writeStandardOutput("cancelled \(result.id)\n")
            case .cancel_requested: Text.writeStandardOutput("cancel requested: \(result.id) is running; its worker stops it at its next heartbeat\n")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a dead job (or, with --dead, every dead job of a queue) back to ready.")

        @Argument(help: "The dead job's ID.")
        var id: String?

        @Flag(help: "Every dead job of --queue.")
        var dead = false

        @Option(help: "The job's queue (with --dead: required).")
        var queue: String?

        @OptionGroup var api: APIOptions

        func validate() throws {
            if dead, id != nil { throw ValidationError("give a job ID or --dead, not both") }
            if dead, queue == nil { throw ValidationError("--dead needs --queue") }
            if !dead, id == nil { throw ValidationError("give a dead job's ID, or --dead --queue Q") }
        }

        func run() async throws {
            let client = try APIClient(api)
            if dead, let queue {
                let result = try await client.call { try await $0.retryDeadJobs(path: .init(queue: queue)).ok.body.json }
                Text.writeStandardOutput("moved \(HumanUnits.count(result.retried)) dead jobs of \(queue) back to ready\n")
            } else if let id {
                _ = try await client.call { try await $0.retryJob(path: .init(id: id), query: .init(queue: queue)).ok.body.json }
                Text.writeStandardOutput("retrying \(id)\n")
            }
        }
    }

    static func paint(_ state: Components.Schemas.JobState) -> ((String) -> String)? {
        switch state {
        case .dead: { Paint.bad($0) }
        case .cancelled: { Paint.faint($0) }
        case .leased: { Paint.warn($0) }
        default: nil
        }
    }
}
