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

        @Option(help: "At most this many (1-1000 a page).")
        var limit = 50

        @Flag(help: "Every page, not only the first.")
        var all = false

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var api: APIOptions

        func validate() throws {
            if let state, Components.Schemas.JobState(rawValue: state) == nil {
                throw ValidationError("--state must be one of \(Components.Schemas.JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !(1...1000).contains(limit) { throw ValidationError("--limit must be 1-1000") }
        }

        func run() async throws {
            let client = try APIClient(api)
            var jobs: [Components.Schemas.JobSummary] = []
            var cursor: String?
            repeat {
                let query = Operations.listJobs.Input.Query(
                    queue: queue, state: state.flatMap(Components.Schemas.JobState.init(rawValue:)), kind: kind,
                    project_id: projectID, cursor: cursor, limit: limit)
                let page = try await client.call { try await $0.listJobs(query: query).ok.body.json }
                jobs += page.jobs
                cursor = page.next_cursor
            } while all && cursor != nil
            if json {
                try JSONOutput.print(jobs)
                return
            }
            if jobs.isEmpty {
                Text.writeStandardOutput("no jobs in queue \(queue)\(state.map { " in state \($0)" } ?? "")\n")
                return
            }
            var table = Table([
                .init("ID"), .init("KIND"), .init("STATE"), .init("ATTEMPTS", right: true), .init("PRIORITY", right: true),
                .init("ENQUEUED"), .init("RUNS"), .init("LAST ERROR"),
            ])
            for job in jobs {
                let runs = job.run_at > Date() ? HumanUnits.relative(job.run_at) : "-"
                let error = job.last_error.map { $0.count > 60 ? String($0.prefix(59)) + "…" : $0 } ?? ""
                let cells = [
                    job.id, job.kind, job.state.rawValue, String(job.attempts), String(job.priority),
                    HumanUnits.relative(job.enqueued_at), runs, error.replacing("\n", with: " "),
                ]
                table.append(cells, paint: JobsCommand.paint(job.state))
            }
            table.print()
            if let cursor, !all { Text.writeStandardError(Paint.faint("more: --all, or the API's cursor \(cursor)") + "\n") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A job's state, attempts, progress, payload, result and last error.")

        @Argument(help: "The job's ID.")
        var id: String

        @Option(help: "The job's queue (default: every queue is searched).")
        var queue: String?

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let job = try await client.call { try await $0.getJob(path: .init(id: id), query: .init(queue: queue)).ok.body.json }
            if json {
                try JSONOutput.print(job)
                return
            }
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

        @Argument(help: "The job's ID.")
        var id: String

        @Option(help: "The job's queue (default: every queue is searched).")
        var queue: String?

        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let result = try await client.call { try await $0.cancelJob(path: .init(id: id), query: .init(queue: queue)).ok.body.json }
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
