/// A group limit declared in configuration (`gantry worker --group-limit`, `GANTRY_GROUP_LIMITS`):
/// `<queue>[/<group>]:concurrency=<n>,rate=<n>/<period>` (either part may be left out). Without a
/// group it is the limit of every group of the queue. A worker applies each rule at start only
/// where the queue has no limit for that scope yet, so a limit changed at run time
/// (`gantry queues limit`) is not undone by the next worker that starts.
public struct GroupLimitRule: Sendable, Hashable {
    public var queue: QueueName
    public var group: String?
    public var limit: GroupLimit

    public init(queue: QueueName, group: String?, limit: GroupLimit) {
        self.queue = queue
        self.group = group
        self.limit = limit
    }

    public init(parsing text: String) throws(GantryError) {
        func bad(_ why: String) -> GantryError {
            GantryError(
                .invalidOption,
                "'\(text)' is not a group limit (\(why)): write <queue>[/<group>]:concurrency=<n>,rate=<n>/<period>, "
                    + "e.g. default:concurrency=2 or default/project-42:rate=60/min",
                field: "group-limit")
        }
        guard let colon = text.firstIndex(of: ":") else { throw bad("no ':' after the queue") }
        let scope = text[..<colon]
        let parts = scope.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        do {
            queue = try QueueName(String(parts[0]))
        } catch {
            throw bad("the queue name: \(error.message)")
        }
        group = parts.count == 2 ? String(parts[1]) : nil
        if group?.isEmpty == true { throw bad("an empty group") }
        var limit = GroupLimit()
        for setting in text[text.index(after: colon)...].split(separator: ",") {
            let pair = setting.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { throw bad("'\(setting)' is not <name>=<value>") }
            switch pair[0] {
            case "concurrency":
                guard let n = Int(pair[1]), n >= 0 else { throw bad("concurrency must be a whole number from 0") }
                limit.concurrency = n
            case "rate":
                limit.rate = try GroupRate(parsing: String(pair[1]))
            default:
                throw bad("unknown setting '\(pair[0])'")
            }
        }
        guard !limit.isEmpty else { throw bad("no concurrency or rate") }
        self.limit = limit
    }

    /// Rules separated by spaces or semicolons (`GANTRY_GROUP_LIMITS`).
    public static func parseList(_ text: String) throws(GantryError) -> [GroupLimitRule] {
        var rules: [GroupLimitRule] = []
        for item in text.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "\n" }) {
            rules.append(try GroupLimitRule(parsing: String(item)))
        }
        return rules
    }

    /// Applies each rule whose scope has no limit yet; returns those it applied.
    public static func applyUnset(_ rules: [GroupLimitRule], to groups: any QueueGroups) async throws -> [GroupLimitRule] {
        var applied: [GroupLimitRule] = []
        var existing: [QueueName: [String: GroupLimit]] = [:]
        for rule in rules {
            if existing[rule.queue] == nil { existing[rule.queue] = try await groups.groupLimits(queue: rule.queue) }
            guard existing[rule.queue]?[rule.group ?? GroupLimit.everyGroup] == nil else { continue }
            try await groups.setGroupLimit(queue: rule.queue, group: rule.group, rule.limit)
            existing[rule.queue]?[rule.group ?? GroupLimit.everyGroup] = rule.limit
            applied.append(rule)
        }
        return applied
    }
}
