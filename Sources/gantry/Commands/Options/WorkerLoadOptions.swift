import ArgumentParser
import GantryCore
import GantryWorker

/// Which queues a worker leases from (with their weights) and how many jobs it runs at once: the flags, else
/// `GANTRY_QUEUES` and `GANTRY_CONCURRENCY` (a container sets the environment, a person the flags).
struct WorkerLoadOptions: ParsableArguments {
    static let defaultQueues = "critical=6,default=3,reports=1"
    static let defaultConcurrency = 32

    @Option(help: "Queues and weights, e.g. critical=6,default=3,reports=1 (default: GANTRY_QUEUES, then critical=6,default=3,reports=1).")
    var queues: String?

    @Option(help: "Jobs run at once (default: GANTRY_CONCURRENCY, then 32).")
    var concurrency: Int?

    @Option(
        name: .customLong("group-limit"),
        help: ArgumentHelp(
            "A per-group limit, applied where the queue has none yet: <queue>[/<group>]:concurrency=<n>,rate=<n>/<period>, e.g. default:concurrency=2 (repeatable; default: GANTRY_GROUP_LIMITS, rules separated by ';').",
            valueName: "rule"))
    var groupLimits: [String] = []

    /// The configured group limits; a rule that does not parse is a usage error naming where it came from.
    func groupLimitRules() throws -> [GroupLimitRule] {
        do {
            if groupLimits.isEmpty { return try GroupLimitRule.parseList(GantryEnvironment.value("GANTRY_GROUP_LIMITS") ?? "") }
            return try groupLimits.map { rule throws(GantryError) in try GroupLimitRule(parsing: rule) }
        } catch {
            throw ValidationError("\(groupLimits.isEmpty ? "GANTRY_GROUP_LIMITS" : "--group-limit"): \(error.message)")
        }
    }

    /// The queues with their weights; a list that does not parse is a usage error naming where it came from.
    func weightedQueues() throws -> [(name: QueueName, weight: Int)] {
        let text = queues ?? GantryEnvironment.value("GANTRY_QUEUES") ?? Self.defaultQueues
        do {
            return try WorkerConfiguration.parseQueues(text)
        } catch {
            throw ValidationError("\(queues == nil ? "GANTRY_QUEUES" : "--queues"): \(error.message)")
        }
    }

    /// Jobs run at once (a `GANTRY_CONCURRENCY` that is not a whole number is passed over, as it always was).
    var runningAtOnce: Int {
        concurrency ?? GantryEnvironment.value("GANTRY_CONCURRENCY").flatMap { Int($0) } ?? Self.defaultConcurrency
    }
}
