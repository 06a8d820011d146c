import ArgumentParser
import FoundationEssentials
import GantryAPIClient

extension ProjectsCommand {
    /// `gantry projects advance`: one step of a project through the phase model, as `POST /v1/projects/{id}/advance`.
    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Complete (or --start) one step of a project; a review gate needs --approved-by.",
            discussion: """
                STEP is phase.step, the phase by its name or first word: requirements.review, design.architecture, \
                development.user_acceptance_testing, deployment.data_migration. Phases run in order and a review gate \
                (requirements.review, development.user_acceptance_testing) must be approved before the next phase \
                starts; a refused transition exits 2 with the phase model's reason.
                """)

        @Argument(help: "The project's ID.")
        var id: String

        @Option(help: "The step, phase.step (requirements.review).")
        var step: String

        @Flag(help: "Start the step instead of completing it.")
        var start = false

        @Option(name: .customLong("approved-by"), help: "Who approved (completing a review gate needs it).")
        var approvedBy: String?

        @Option(help: "The day it happened, YYYY-MM-DD (default today, UTC).")
        var on: String?

        @Option(name: .customLong("started-on"), help: "Completing a step never started: the day its work began.")
        var startedOn: String?

        @Flag(help: "Print the project's tracking as JSON.")
        var json = false

        @OptionGroup var api: APIOptions

        func validate() throws {
            if start && approvedBy != nil { throw ValidationError("--approved-by goes with a completion, not --start") }
            if start && startedOn != nil { throw ValidationError("--started-on goes with a completion; a --start happens --on its day") }
        }

        func run() async throws {
            let client = try APIClient(api)
            let request = Components.Schemas.AdvanceRequest(
                step: step, action: start ? .start : .complete, approved_by: approvedBy, on: on, started_on: startedOn)
            let tracking = try await client.call {
                try await $0.advanceProject(path: .init(id: id), body: .json(request)).ok.body.json
            }
            if json { return try JSONOutput.print(tracking) }
            var text = "\(tracking.status.rawValue), \(Int((tracking.progress * 100).rounded()))% done, "
                + (tracking.at_risk ? Paint.bad("at risk") : "on track")
                + (tracking.current_phase.map { ", in \($0)" } ?? "") + "\n"
            for event in tracking.events { text += "  " + Show.eventLine(event) + "\n" }
            Text.writeStandardOutput(text)
        }
    }
}
