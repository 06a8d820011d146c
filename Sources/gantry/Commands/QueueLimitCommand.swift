import ArgumentParser
import GantryAPIClient
import GantryCore

/// `gantry queues limit`: a group's concurrency and rate limits (or every group's), changed at run
/// time through the API; the lease enforces them across every worker at once.
struct QueueLimitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limit",
        abstract: "Set a group's limits (or every group's) in a queue, and print the queue's limits.",
        discussion: """
            Without --group the limit applies to every group of the queue; a group's own limit wins, field by \
            field. A limit not named keeps its value; --no-concurrency and --no-rate remove one. With no change \
            it prints the limits. --concurrency 0 holds the group back until it is raised. Needs an admin token.
            Example: gantry queues limit reports --group acme --concurrency 2 --rate 60/min
            """)

    @Argument(help: "The queue.")
    var queue: String

    @Option(help: ArgumentHelp("The group (default: every group of the queue).", valueName: "NAME"))
    var group: String?

    @Option(help: ArgumentHelp("At most N of the group's jobs leased at once (0 holds it back).", valueName: "N"))
    var concurrency: Int?

    @Flag(name: .customLong("no-concurrency"), help: "Remove the concurrency limit.")
    var noConcurrency = false

    @Option(help: ArgumentHelp("At most this many starts per period: 60/min, 10/s, 500/h, 100/1500ms.", valueName: "COUNT/PERIOD"))
    var rate: String?

    @Flag(name: .customLong("no-rate"), help: "Remove the rate limit.")
    var noRate = false

    @OptionGroup var output: OutputFormat
    @OptionGroup var api: APIOptions

    func validate() throws {
        if concurrency != nil, noConcurrency { throw ValidationError("--concurrency and --no-concurrency exclude each other") }
        if rate != nil, noRate { throw ValidationError("--rate and --no-rate exclude each other") }
        if let concurrency, concurrency < 0 { throw ValidationError("--concurrency must be 0 or more, got \(concurrency)") }
        if let rate {
            do {
                _ = try GroupRate(parsing: rate)
            } catch {
                throw ValidationError("--rate: \(error.message)")
            }
        }
        if group == "*" { throw ValidationError("--group: '*' is not a group; leave --group out to limit every group") }
    }

    private var changes: Bool { concurrency != nil || noConcurrency || rate != nil || noRate }

    func run() async throws {
        let client = try APIClient(api)
        // The API replaces a scope's whole limit, so a limit not named here is sent as it stands.
        let current = try await QueuesCommand.fetchGroups(client, queue: queue, top: 0)
        guard changes else { return try show(current.limits) }
        let own = current.limits.first { $0.group == group }
        var body = Components.Schemas.GroupLimitRequest(group: group, concurrency: own?.concurrency, rate: own?.rate)
        if noConcurrency { body.concurrency = nil } else if let concurrency { body.concurrency = concurrency }
        if noRate { body.rate = nil } else if let rate { body.rate = rate }
        let request = body
        let result = try await client.call {
            try await $0.setQueueGroupLimit(path: .init(queue: queue), body: .json(request)).ok.body.json
        }
        try show(result.limits)
    }

    private func show(_ limits: [Components.Schemas.GroupLimit]) throws {
        try output.list(
            limits, json: Components.Schemas.QueueGroupLimits(queue: queue, limits: limits), none: "no limits on queue \(queue)"
        ) { QueuesCommand.limitsTable(limits) }
    }
}
