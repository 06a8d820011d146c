import GantryCore
import OpenAPIRuntime

/// A queue's groups (fairness between producers, `JobEnvelope.group`): the busiest ones and the
/// limits set at run time. Only a driver with the `QueueGroups` ability has them.
extension APIService {
    static let defaultTopGroups = 10
    static let maxTopGroups = 1_000

    func listQueueGroups(_ input: Operations.listQueueGroups.Input) async throws -> Operations.listQueueGroups.Output {
        let q = try Self.queueName(input.path.queue)
        let top = input.query.top ?? Self.defaultTopGroups
        guard (0...Self.maxTopGroups).contains(top) else {
            throw APIError.badRequest("top must be 0-\(Self.maxTopGroups), got \(top)", field: "top")
        }
        let groups = try groupsAbility()
        let busiest = top == 0 ? [] : try await groups.busiestGroups(queue: q, top: top)
        let limits = try await groups.groupLimits(queue: q)
        return .ok(
            .init(
                body: .json(
                    .init(queue: q.rawValue, groups: busiest.map(Self.groupAnswer), limits: Self.limitsAnswer(limits)))))
    }

    func setQueueGroupLimit(_ input: Operations.setQueueGroupLimit.Input) async throws -> Operations.setQueueGroupLimit.Output {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        let q = try Self.queueName(input.path.queue)
        if body.group == GroupLimit.everyGroup {
            throw APIError.invalid("'*' is not a group: leave group out to set the limit of every group", field: "group")
        }
        var limit = GroupLimit(concurrency: body.concurrency)
        if let rate = body.rate { limit.rate = try GroupRate(parsing: rate) }
        let groups = try groupsAbility()
        try await groups.setGroupLimit(queue: q, group: body.group, limit)
        let limits = try await groups.groupLimits(queue: q)
        return .ok(.init(body: .json(.init(queue: q.rawValue, limits: Self.limitsAnswer(limits)))))
    }

    /// The driver's groups, or 503 `not_configured` (the in-memory driver leases groups as one line).
    private func groupsAbility() throws -> any QueueGroups {
        guard let groups = driver as? any QueueGroups else { throw APIError.notConfigured("groups in its queue driver") }
        return groups
    }

    /// The limit on every group first, then each group's own by name (a stable order for people and diffs).
    static func limitsAnswer(_ limits: [String: GroupLimit]) -> [Components.Schemas.GroupLimit] {
        limits.filter { !$0.value.isEmpty }.sorted { a, b in
            if (a.key == GroupLimit.everyGroup) != (b.key == GroupLimit.everyGroup) { return a.key == GroupLimit.everyGroup }
            return a.key < b.key
        }.map { scope, limit in
            .init(group: scope == GroupLimit.everyGroup ? nil : scope, concurrency: limit.concurrency, rate: limit.rate?.description)
        }
    }

    static func groupAnswer(_ g: GroupStats) -> Components.Schemas.GroupStats {
        .init(group: g.group, ready: g.ready, running: g.running, concurrency: g.limit.concurrency, rate: g.limit.rate?.description, parked: g.parked)
    }
}
