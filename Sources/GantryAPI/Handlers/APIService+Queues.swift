import FoundationEssentials
import GantryCore
import OpenAPIRuntime

extension APIService {
    func listQueues(_ input: Operations.listQueues.Input) async throws -> Operations.listQueues.Output {
        var queues: [Components.Schemas.QueueStats] = []
        for name in try await queueNames() {
            let s = try await driver.stats(queue: name)
            queues.append(
                .init(
                    queue: s.queue, ready: s.ready, leased: s.leased, delayed: s.delayed, dead: s.dead,
                    processed: s.processed, failed: s.failed, retried: s.retried, reclaimed: s.reclaimed,
                    oldest_ready_age_ms: s.oldestReadyAgeMs))
        }
        return .ok(.init(body: .json(.init(queues: queues))))
    }

    func retryDeadJobs(_ input: Operations.retryDeadJobs.Input) async throws -> Operations.retryDeadJobs.Output {
        let q = try Self.queueName(input.path.queue)
        let n = try await driver.retryDead(queue: q, ids: nil)
        return .ok(.init(body: .json(.init(retried: n))))
    }

    func purgeDeadJobs(_ input: Operations.purgeDeadJobs.Input) async throws -> Operations.purgeDeadJobs.Output {
        let q = try Self.queueName(input.path.queue)
        let olderThan = input.query.older_than_ms ?? 0
        guard olderThan >= 0 else { throw APIError.badRequest("older_than_ms must be 0 or more", field: "older_than_ms") }
        let n = try await driver.purgeDead(queue: q, olderThanMs: olderThan)
        return .ok(.init(body: .json(.init(purged: n))))
    }

    func listWorkers(_ input: Operations.listWorkers.Input) async throws -> Operations.listWorkers.Output {
        let registry = try required(dependencies.workers, "worker registry")
        let workers = try await registry.liveWorkers().sorted { $0.id < $1.id }.map { w in
            Components.Schemas.Worker(
                id: w.id, host: w.host, pid: Int(w.pid), queues: w.queues, concurrency: w.concurrency,
                started_at: Date(ms: w.startedAtMs), jobs_done: w.jobsDone, running: w.running,
                last_seen_at: Date(ms: w.lastSeenMs))
        }
        return .ok(.init(body: .json(.init(workers: workers))))
    }

    func listKinds(_ input: Operations.listKinds.Input) async throws -> Operations.listKinds.Output {
        let registry = queue.registry
        let kinds = registry.names.compactMap { name -> Components.Schemas.Kind? in
            guard let d = registry[name] else { return nil }
            return .init(
                name: d.name, default_queue: d.defaultQueue.rawValue, default_max_attempts: d.defaultMaxAttempts,
                default_timeout_ms: d.defaultTimeoutMs,
                payload_schema: .init(additionalProperties: d.schema.jsonSchema.openAPIObject))
        }
        return .ok(.init(body: .json(.init(kinds: kinds))))
    }
}

extension PayloadSchema {
    /// The schema as JSON Schema (2020-12), for clients and the dashboard's forms.
    var jsonSchema: JSONValue {
        switch self {
        case .any:
            return .object([:])
        case .string(let minLength, let maxLength, let oneOf):
            var o: [String: JSONValue] = ["type": "string"]
            if minLength > 0 { o["minLength"] = .integer(Int64(minLength)) }
            if maxLength != .max { o["maxLength"] = .integer(Int64(maxLength)) }
            if let oneOf { o["enum"] = .array(oneOf.map { .string($0) }) }
            return .object(o)
        case .integer(let range):
            var o: [String: JSONValue] = ["type": "integer"]
            if range.lowerBound != .min { o["minimum"] = .integer(range.lowerBound) }
            if range.upperBound != .max { o["maximum"] = .integer(range.upperBound) }
            return .object(o)
        case .number(let range):
            var o: [String: JSONValue] = ["type": "number"]
            if range.lowerBound > -Double.greatestFiniteMagnitude { o["minimum"] = .number(range.lowerBound) }
            if range.upperBound < Double.greatestFiniteMagnitude { o["maximum"] = .number(range.upperBound) }
            return .object(o)
        case .bool:
            return .object(["type": "boolean"])
        case .array(let element, let minCount, let maxCount):
            var o: [String: JSONValue] = ["type": "array", "items": element.jsonSchema]
            if minCount > 0 { o["minItems"] = .integer(Int64(minCount)) }
            if maxCount != .max { o["maxItems"] = .integer(Int64(maxCount)) }
            return .object(o)
        case .object(let fields, let additional):
            var properties: [String: JSONValue] = [:]
            for f in fields { properties[f.name] = f.schema.jsonSchema }
            let required = fields.filter(\.required).map { JSONValue.string($0.name) }
            var o: [String: JSONValue] = ["type": "object", "properties": .object(properties), "additionalProperties": .bool(additional)]
            if !required.isEmpty { o["required"] = .array(required) }
            return .object(o)
        }
    }
}
