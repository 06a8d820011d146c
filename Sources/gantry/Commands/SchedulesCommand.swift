import ArgumentParser
import FoundationEssentials
import GantryAPIClient
import OpenAPIRuntime

/// `gantry schedules`: the cron schedules the leading coordinator fires, through the API.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules", abstract: "List, add, pause, resume and remove cron schedules.",
        discussion: """
            A schedule enqueues one job of KIND at every firing of its cron expression (five fields, or six with
            seconds first, or @hourly, @daily, @weekly, @monthly, @yearly), evaluated in its time zone. The
            leading `gantry coordinator` fires it exactly once per firing; missed firings (no coordinator ran)
            are caught up (--missed catch_up) or only the latest is (skip, the default).
            """,
        subcommands: [List.self, Add.self, Pause.self, Resume.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every schedule, with its next firing.")

        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let schedules = try await client.call { try await $0.listSchedules().ok.body.json.schedules }
            try output.list(schedules, none: "no schedules") {
                Table(
                    [
                        .init("NAME"), .init("CRON"), .init("ZONE"), .init("KIND"), .init("MISSED"), .init("STATE"), .init("NEXT"),
                        .init("LAST"), .init("SOURCE"),
                    ],
                    rows: schedules, cells: SchedulesCommand.cells, paint: SchedulesCommand.paint)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare a schedule (or replace the one of that name).",
            discussion: """
                Example: gantry schedules add nightly-report --cron "0 2 * * *" --zone Asia/Shanghai \\
                  --kind report.build --payload '{"scope": "portfolio"}'
                """)

        @Argument(help: "The schedule's name (a-z, 0-9, '.', '_', '-').")
        var name: String

        @Option(help: "The cron expression.")
        var cron: String

        @Option(name: .customLong("zone"), help: "The IANA time zone it is evaluated in.")
        var timeZone = "UTC"

        @Option(help: "The job kind each firing enqueues.")
        var kind: String

        @Option(help: ArgumentHelp("Each job's payload: JSON (default {}).", valueName: "JSON"))
        var payload: String?

        @Option(help: "Queue (default: the kind's).")
        var queue: String?

        @Option(help: "Missed firings: catch_up or skip.")
        var missed = "skip"

        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func validate() throws {
            if Components.Schemas.ScheduleMissed(rawValue: missed) == nil { throw ValidationError("--missed must be catch_up or skip") }
        }

        func run() async throws {
            var body: Components.Schemas.ScheduleRequest.payloadPayload?
            if let payload {
                do {
                    body = try JSONDecoder().decode(Components.Schemas.ScheduleRequest.payloadPayload.self, from: Data(payload.utf8))
                } catch {
                    throw CLIError(.usage, "--payload is not a JSON object")
                }
            }
            let request = Components.Schemas.ScheduleRequest(
                name: name, cron: cron, time_zone: timeZone, kind: kind, queue: queue, payload: body,
                missed: Components.Schemas.ScheduleMissed(rawValue: missed))
            let client = try APIClient(api)
            let schedule = try await client.call { try await $0.createSchedule(body: .json(request)).created.body.json }
            try SchedulesCommand.show(schedule, output)
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a schedule firing until it is resumed.")
        @Argument(help: "The schedule's name.") var name: String
        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let schedule = try await client.call { try await $0.pauseSchedule(path: .init(name: name)).ok.body.json }
            try SchedulesCommand.show(schedule, output)
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a paused schedule fire again, from its next firing (what fell in the pause is not caught up).")
        @Argument(help: "The schedule's name.") var name: String
        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            let schedule = try await client.call { try await $0.resumeSchedule(path: .init(name: name)).ok.body.json }
            try SchedulesCommand.show(schedule, output)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a schedule and the record of its firings.")
        @Argument(help: "The schedule's name.") var name: String
        @OptionGroup var api: APIOptions

        func run() async throws {
            let client = try APIClient(api)
            _ = try await client.call { try await $0.deleteSchedule(path: .init(name: name)).noContent }
            Text.writeStandardError("removed \(name)\n")
        }
    }

    /// One schedule: its JSON, or a line for a person.
    static func show(_ s: Components.Schemas.Schedule, _ output: OutputFormat) throws {
        try output.show(s) {
            let next = s.paused ? "paused" : "next \(s.next_fire_at.map(time) ?? "never")"
            Text.writeStandardOutput("\(s.name)  \(s.cron) (\(s.time_zone))  \(s.kind)  \(next)\n")
        }
    }

    /// One schedule's row of `schedules list`.
    static func cells(_ s: Components.Schemas.Schedule) -> [String] {
        let next: String = s.paused ? "-" : (s.next_fire_at.map { time($0) } ?? "never")
        let last: String = s.last_fired_at.map { time($0) } ?? "-"
        return [s.name, s.cron, s.time_zone, s.kind, s.missed.rawValue, s.paused ? "paused" : "active", next, last, s.source.rawValue]
    }

    /// Paused schedules stand out.
    static func paint(_ s: Components.Schemas.Schedule) -> ((String) -> String)? {
        s.paused ? { Paint.warn($0) } : nil
    }

    /// A UTC time to the second, as RFC 3339.
    static func time(_ date: Date) -> String { date.formatted(.iso8601) }
}
