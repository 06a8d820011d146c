import ArgumentParser
import FoundationEssentials
import GantryAPIClient

/// How and when a submitted job runs: everything of the API's job request but its kind and payload.
struct JobRequestOptions: ParsableArguments {
    @Option(help: "The queue (default: the kind's).")
    var queue: String?

    @Option(help: ArgumentHelp("Run no earlier than this from now: 90s, 10m, 2h, 1d.", valueName: "DURATION"))
    var delay: String?

    @Option(help: ArgumentHelp("Run no earlier than this ISO 8601 time (2025-12-01T15:00:00Z).", valueName: "TIME"))
    var at: String?

    @Option(help: "A unique key: while a job holds it, another with it is not stored (its holder's ID is printed).")
    var unique: String?

    @Option(help: "0-9; 9 runs first (default 5).")
    var priority: Int?

    @Option(name: .customLong("max-attempts"), help: "Runs before the job goes to the dead letter.")
    var maxAttempts: Int?

    @Option(name: .customLong("project"), help: "The project the job belongs to.")
    var projectID: String?

    @Option(
        help: ArgumentHelp(
            "The fairness group: groups take turns, each within its limits (`gantry queues limit`). Default: the "
                + "project, for the CRM kinds.", valueName: "NAME"))
    var group: String?

    func validate() throws {
        if delay != nil, at != nil { throw ValidationError("--delay and --at exclude each other") }
        if let priority, !(0...9).contains(priority) { throw ValidationError("--priority must be 0-9") }
        if let maxAttempts, !(1...1000).contains(maxAttempts) { throw ValidationError("--max-attempts must be 1-1000") }
        if let delay, HumanUnits.parseDuration(delay) == nil { throw ValidationError("--delay: '\(delay)' is not a duration (90s, 10m, 2h)") }
        if let at, HumanUnits.parseTime(at) == nil { throw ValidationError("--at: '\(at)' is not an ISO 8601 time (2025-12-01T15:00:00Z)") }
    }

    /// The request for a job of `kind` with an empty payload, its delay measured from now.
    func request(kind: String) -> Components.Schemas.JobRequest {
        Components.Schemas.JobRequest(
            kind: kind, payload: .init(), queue: queue, delay: delayMilliseconds(), unique: unique, priority: priority,
            max_attempts: maxAttempts, project_id: projectID, group: group)
    }

    private func delayMilliseconds() -> Int64? {
        if let delay, let seconds = HumanUnits.parseDuration(delay) { return Int64((seconds * 1000).rounded()) }
        if let at, let time = HumanUnits.parseTime(at) { return max(0, Int64((time.timeIntervalSinceNow * 1000).rounded())) }
        return nil
    }
}
