import FoundationEssentials
import GantryCore
import GantryPostgresStore
import OpenAPIRuntime

/// `/v1/schedules`: the cron schedules the coordinator fires. Reads need `read`, changes `admin`
/// (a schedule enqueues work on its own, for ever). A definition is checked here with the same
/// rules as the configuration file and the coordinator (`ScheduleDefinition.validate`), so a bad
/// expression, zone, kind or payload is a 400 that names the field and carries the parser's reason.
extension APIService {
    func listSchedules(_ input: Operations.listSchedules.Input) async throws -> Operations.listSchedules.Output {
        let schedules = try required(dependencies.schedules, "schedule store")
        let records = try await schedules.list()
        return .ok(.init(body: .json(.init(schedules: records.map(Components.Schemas.Schedule.init)))))
    }

    func createSchedule(_ input: Operations.createSchedule.Input) async throws -> Operations.createSchedule.Output {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        let schedules = try required(dependencies.schedules, "schedule store")
        let definition = ScheduleDefinition(
            name: body.name, cron: body.cron, timeZone: body.time_zone ?? "UTC", kind: body.kind, queue: body.queue,
            payload: body.payload.map { JSONValue(openAPI: $0.additionalProperties) } ?? .object([:]),
            missed: body.missed.map { ScheduleDefinition.MissedFirings(wire: $0) } ?? .skip)
        do {
            _ = try definition.validate(registry: dependencies.queue.registry)
        } catch {
            throw APIError.badRequest(error.message, field: error.field)
        }
        let record = try await schedules.upsert(definition, source: .api, registry: dependencies.queue.registry)
        return .created(.init(body: .json(.init(record))))
    }

    func pauseSchedule(_ input: Operations.pauseSchedule.Input) async throws -> Operations.pauseSchedule.Output {
        let schedules = try required(dependencies.schedules, "schedule store")
        guard let record = try await schedules.pause(input.path.name) else { throw Self.noSchedule(input.path.name) }
        return .ok(.init(body: .json(.init(record))))
    }

    func resumeSchedule(_ input: Operations.resumeSchedule.Input) async throws -> Operations.resumeSchedule.Output {
        let schedules = try required(dependencies.schedules, "schedule store")
        guard let record = try await schedules.resume(input.path.name, registry: dependencies.queue.registry) else {
            throw Self.noSchedule(input.path.name)
        }
        return .ok(.init(body: .json(.init(record))))
    }

    func deleteSchedule(_ input: Operations.deleteSchedule.Input) async throws -> Operations.deleteSchedule.Output {
        let schedules = try required(dependencies.schedules, "schedule store")
        guard try await schedules.remove(input.path.name) else { throw Self.noSchedule(input.path.name) }
        return .noContent(.init())
    }

    static func noSchedule(_ name: String) -> APIError { APIError(404, "not_found", "no schedule named \(name)") }
}

extension Components.Schemas.Schedule {
    init(_ r: ScheduleRecord) {
        let d = r.definition
        self.init(
            name: d.name, cron: d.cron, time_zone: d.timeZone, kind: d.kind, queue: d.queue,
            payload: .init(additionalProperties: d.payload.openAPIObject), missed: .init(wire: d.missed), paused: r.paused,
            source: .init(wire: r.source), next_fire_at: r.nextFireAt, last_fired_at: r.lastFiredAt, created_at: r.createdAt,
            updated_at: r.updatedAt)
    }
}
