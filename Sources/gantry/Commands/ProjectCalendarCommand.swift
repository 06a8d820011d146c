import ArgumentParser
import FoundationEssentials
import GantryAPIClient

extension ProjectsCommand {
    /// `gantry projects calendar`: show or set a project's working calendar (`/v1/projects/{id}/calendar`).
    struct CalendarSettings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calendar",
            abstract: "Show a project's working calendar, or set it with --holiday, --workday, --weekends-worked or --clear.",
            discussion: """
                Setting replaces the whole calendar: list every holiday and make-up working day (a weekend day that is \
                worked, as China's 调休). The project's forecasts use it unless a job's payload gives its own.
                """)

        @Argument(help: "The project's ID.")
        var id: String

        @Option(help: ArgumentHelp("A day off, YYYY-MM-DD; repeatable.", valueName: "date"))
        var holiday: [String] = []

        @Option(help: ArgumentHelp("A weekend day that is worked, YYYY-MM-DD; repeatable.", valueName: "date"))
        var workday: [String] = []

        @Flag(name: .customLong("weekends-worked"), help: "Saturdays and Sundays are working days.")
        var weekendsWorked = false

        @Flag(help: "Set the default calendar: weekends off, no holidays.")
        var clear = false

        @OptionGroup var output: OutputFormat
        @OptionGroup var api: APIOptions

        func validate() throws {
            if clear && (!holiday.isEmpty || !workday.isEmpty || weekendsWorked) {
                throw ValidationError("--clear sets the default calendar; give it alone")
            }
        }

        func run() async throws {
            let client = try APIClient(api)
            let calendar: Components.Schemas.ProjectCalendar
            if clear || !holiday.isEmpty || !workday.isEmpty || weekendsWorked {
                let request = Components.Schemas.ProjectCalendar(weekends_off: !weekendsWorked, holidays: holiday, workdays: workday)
                calendar = try await client.call {
                    try await $0.setProjectCalendar(path: .init(id: id), body: .json(request)).ok.body.json
                }
            } else {
                calendar = try await client.call { try await $0.getProjectCalendar(path: .init(id: id)).ok.body.json }
            }
            try output.show(calendar) {
                Text.writeStandardOutput(
                    "weekends  \((calendar.weekends_off ?? true) ? "off" : "worked")\n"
                        + "holidays  \(Self.list(calendar.holidays))\n" + "workdays  \(Self.list(calendar.workdays))\n")
            }
        }

        static func list(_ days: [String]?) -> String {
            guard let days, !days.isEmpty else { return "none" }
            return days.joined(separator: " ")
        }
    }
}
