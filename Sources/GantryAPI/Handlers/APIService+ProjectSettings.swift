import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore
import OpenAPIRuntime

/// A project's working calendar and risk register: settings its forecasts read, so they live with
/// the project instead of in every job's payload.
extension APIService {
    func getProjectCalendar(_ input: Operations.getProjectCalendar.Input) async throws -> Operations.getProjectCalendar.Output {
        let settings = try required(dependencies.projectSettings, "project settings store")
        let projectID = try Self.uuid(input.path.id)
        guard try await projectExists(projectID) else { throw APIError.notFound("project", projectID.uuidString.lowercased()) }
        let calendar = try await settings.calendar(of: projectID) ?? ProjectCalendar()
        return .ok(.init(body: .json(Self.calendarAnswer(calendar))))
    }

    func setProjectCalendar(_ input: Operations.setProjectCalendar.Input) async throws -> Operations.setProjectCalendar.Output {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        let settings = try required(dependencies.projectSettings, "project settings store")
        let projectID = try Self.uuid(input.path.id)
        let calendar = ProjectCalendar(
            weekendsOff: body.weekends_off ?? true, holidays: try Self.days(body.holidays ?? [], field: "holidays"),
            workdays: try Self.days(body.workdays ?? [], field: "workdays"))
        do {
            try calendar.validate()
        } catch {
            throw Self.planningRefusal(error)
        }
        guard try await projectExists(projectID) else { throw APIError.notFound("project", projectID.uuidString.lowercased()) }
        let stored = try await settings.setCalendar(calendar, of: projectID)
        return .ok(.init(body: .json(Self.calendarAnswer(stored))))
    }

    func getProjectRisks(_ input: Operations.getProjectRisks.Input) async throws -> Operations.getProjectRisks.Output {
        let settings = try required(dependencies.projectSettings, "project settings store")
        let projectID = try Self.uuid(input.path.id)
        guard try await projectExists(projectID) else { throw APIError.notFound("project", projectID.uuidString.lowercased()) }
        return .ok(.init(body: .json(.init(risks: try await settings.risks(of: projectID).map(Self.riskAnswer)))))
    }

    func setProjectRisks(_ input: Operations.setProjectRisks.Input) async throws -> Operations.setProjectRisks.Output {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        let settings = try required(dependencies.projectSettings, "project settings store")
        let projectID = try Self.uuid(input.path.id)
        let risks = body.risks.map { r in
            ProjectRisk(
                name: r.name, phase: DeliveryPhase(wire: r.phase), probability: r.probability, impactWeeks: r.impact_weeks,
                status: r.status.map { ProjectRisk.Status(wire: $0) } ?? .open)
        }
        do {
            try ProjectRisk.validate(risks)
        } catch {
            throw Self.planningRefusal(error)
        }
        guard try await projectExists(projectID) else { throw APIError.notFound("project", projectID.uuidString.lowercased()) }
        try await settings.replaceRisks(risks, of: projectID)
        return .ok(.init(body: .json(.init(risks: risks.map(Self.riskAnswer)))))
    }

    static func calendarAnswer(_ c: ProjectCalendar) -> Components.Schemas.ProjectCalendar {
        Components.Schemas.ProjectCalendar(
            weekends_off: c.weekendsOff, holidays: c.holidays.map(\.description), workdays: c.workdays.map(\.description))
    }

    static func riskAnswer(_ r: ProjectRisk) -> Components.Schemas.ProjectRisk {
        Components.Schemas.ProjectRisk(
            name: r.name, phase: .init(wire: r.phase), probability: r.probability, impact_weeks: r.impactWeeks,
            status: .init(wire: r.status))
    }

    /// Dates of a list, each `YYYY-MM-DD`; a bad one is 400 naming its index (`holidays[3]`).
    static func days(_ texts: [String], field: String) throws -> [CalendarDay] {
        try texts.enumerated().map { index, text in
            guard let day = CalendarDay(text) else {
                throw APIError(400, "invalid_value", "'\(quoted(text))' is not a date (YYYY-MM-DD)", field: "\(field)[\(index)]")
            }
            return day
        }
    }
}
