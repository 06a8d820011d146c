import GantryCore
import GantryRedis

/// `QueueGroups`: per-group limits in the queue's `glimits` hash, read by the lease script.
extension RedisJobQueueDriver: QueueGroups {
    public func setGroupLimit(queue: QueueName, group: String?, _ limit: GroupLimit) async throws {
        if let concurrency = limit.concurrency, concurrency < 0 {
            throw GantryError(.invalidOption, "a concurrency limit of \(concurrency) is below 0", field: "concurrency")
        }
        if let group { try JobEnvelope.validateGroup(group) }
        _ = try await pool.run(
            QueueScripts.setGroupLimit, keys: [prefix(queue)],
            arguments: [
                RedisArgument(group ?? GroupLimit.everyGroup), RedisArgument(limit.concurrency.map(String.init) ?? ""),
                RedisArgument(limit.rate.map { "\($0.count)/\($0.periodMs)" } ?? ""),
            ])
    }

    public func groupLimits(queue: QueueName) async throws -> [String: GroupLimit] {
        let reply = try await pool.send(["HGETALL", key(queue, "glimits")])
        return Self.limits(try Self.array(reply, "group limits"))
    }

    public func busiestGroups(queue: QueueName, top: Int) async throws -> [GroupStats] {
        let reply = try await pool.run(QueueScripts.groups, keys: [prefix(queue)], arguments: [RedisArgument(max(0, top))])
        let items = try Self.array(reply, "groups")
        guard let limitItems = items.first?.array else { throw Self.unexpected(reply, "groups") }
        let limits = Self.limits(limitItems)
        return try items.dropFirst().map { item in
            guard let fields = item.array, fields.count == 4, let group = fields[0].string, let ready = fields[1].int,
                let running = fields[2].int, let parked = fields[3].int
            else { throw Self.unexpected(reply, "groups") }
            let own = limits[group] ?? GroupLimit()
            let every = limits[GroupLimit.everyGroup] ?? GroupLimit()
            return GroupStats(
                group: group, ready: ready, running: running,
                limit: GroupLimit(concurrency: own.concurrency ?? every.concurrency, rate: own.rate ?? every.rate),
                parked: parked == 1)
        }
    }

    /// `c:<scope>` / `r:<scope>` fields and values, as limits per scope.
    static func limits(_ flat: [RESPValue]) -> [String: GroupLimit] {
        var limits: [String: GroupLimit] = [:]
        for i in stride(from: 0, to: flat.count - 1, by: 2) {
            guard let field = flat[i].string, let value = flat[i + 1].string, field.count > 2 else { continue }
            let scope = String(field.dropFirst(2))
            if field.hasPrefix("c:"), let n = Int(value) {
                limits[scope, default: GroupLimit()].concurrency = n
            } else if field.hasPrefix("r:") {
                let parts = value.split(separator: "/")
                if parts.count == 2, let n = Int(parts[0]), let ms = Int64(parts[1]), let rate = try? GroupRate(count: n, periodMs: ms) {
                    limits[scope, default: GroupLimit()].rate = rate
                }
            }
        }
        return limits
    }
}
