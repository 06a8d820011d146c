import GantryDomain
import FoundationEssentials
import GantryCore
import GantryPostgresStore
import OpenAPIRuntime

extension APIService {
    func createProject(_ input: Operations.createProject.Input) async throws -> Operations.createProject.Output {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        try Self.checkIdempotencyKey(input.headers.Idempotency_hyphen_Key)
        let projects = try required(dependencies.projects, "project store")
        let clients = try required(dependencies.clients, "client store")
        let name = try Self.text(body.name, field: "name")
        guard let start = CalendarDay(body.start_date) else {
            throw APIError.invalid("expected a date (YYYY-MM-DD)", field: "start_date")
        }
        var target: CalendarDay?
        if let text = body.target_date {
            guard let date = CalendarDay(text) else { throw APIError.invalid("expected a date (YYYY-MM-DD)", field: "target_date") }
            guard date >= start else { throw APIError.invalid("is before start_date", field: "target_date") }
            target = date
        }
        let client: ClientRecord
        switch (body.client, body.client_id) {
        case (nil, nil), (.some, .some):
            throw APIError.invalid("give exactly one of client (a new client) and client_id (an existing one)", field: "client")
        case (nil, .some(let text)):
            let id = try Self.uuid(text, field: "client_id")
            guard let found = try await clients.client(id) else {
                throw APIError(404, "not_found", "no client with ID \(id.uuidString.lowercased())", field: "client_id")
            }
            client = found
        case (.some(let new), nil):
            let clientName = try Self.text(new.name, field: "client.name")
            if let industry = new.industry { _ = try Self.text(industry, field: "client.industry", allowEmpty: true) }
            client = try await clients.createClient(
                name: clientName, size: ClientRecord.Size(wire: new.size), industry: new.industry)
        }
        let factors = ProjectFactors(
            clientSize: body.factors.client_size.map { ClientRecord.Size(wire: $0) } ?? client.size,
            complexity: .init(wire: body.factors.complexity), teamCapability: .init(wire: body.factors.team_capability),
            managementEfficiency: .init(wire: body.factors.management_efficiency))
        let project: ProjectRecord
        do {
            project = try await projects.createProject(
                clientID: client.id, name: name, startDate: start, targetDate: target, factors: factors)
        } catch let error as CRMStoreError {
            logger.error("createProject: \(error)")
            throw APIError.unavailable("the project store")
        }
        return .created(.init(body: .json(projectAnswer(project, client: client, estimate: nil))))
    }

    func listProjects(_ input: Operations.listProjects.Input) async throws -> Operations.listProjects.Output {
        let projects = try required(dependencies.projects, "project store")
        let limit = input.query.limit ?? 100
        guard (1...1000).contains(limit) else { throw APIError.badRequest("limit must be 1-1000", field: "limit") }
        let page: ProjectSummaryPage
        do {
            page = try await projects.listProjects(cursor: input.query.cursor, limit: limit)
        } catch let error as ProjectCursorError {
            throw APIError.badRequest(error.description, field: "cursor")
        }
        let summaries = page.projects.map { p in
            Components.Schemas.ProjectSummary(
                id: p.id.uuidString.lowercased(), name: p.name, client_id: p.clientID.uuidString.lowercased(),
                status: .init(rawValue: p.status.rawValue) ?? .planned, start_date: p.startDate.description,
                target_date: p.targetDate?.description, created_at: p.createdAt)
        }
        return .ok(.init(body: .json(.init(projects: summaries, next_cursor: page.nextCursor))))
    }

    func getProject(_ input: Operations.getProject.Input) async throws -> Operations.getProject.Output {
        let projects = try required(dependencies.projects, "project store")
        let clients = try required(dependencies.clients, "client store")
        let id = try Self.uuid(input.path.id)
        guard let project = try await projects.project(id) else { throw APIError.notFound("project", id.uuidString.lowercased()) }
        guard let client = try await clients.client(project.clientID) else {
            throw APIError.notFound("client of project", id.uuidString.lowercased())
        }
        let estimate = try await dependencies.estimates?.latest(of: id)
        var answer = projectAnswer(project, client: client, estimate: estimate)
        answer.tracking = try await tracking(of: id)
        return .ok(.init(body: .json(answer)))
    }

    /// A project as the document shows it; progress is the share of its steps that are done.
    func projectAnswer(_ p: ProjectRecord, client: ClientRecord, estimate: EstimateRecord?) -> Components.Schemas.Project {
        let steps = p.phases.flatMap(\.steps)
        let progress = steps.isEmpty ? 0 : Double(steps.filter { $0.state == .done }.count) / Double(steps.count)
        return Components.Schemas.Project(
            id: p.id.uuidString.lowercased(), name: p.name,
            client: .init(
                id: client.id.uuidString.lowercased(), name: client.name, size: .init(rawValue: client.size.rawValue) ?? .medium,
                industry: client.industry),
            status: .init(rawValue: p.status.rawValue) ?? .planned, start_date: p.startDate.description,
            target_date: p.targetDate?.description,
            factors: .init(
                client_size: .init(rawValue: p.factors.clientSize.rawValue) ?? .medium,
                complexity: .init(wire: p.factors.complexity), team_capability: .init(wire: p.factors.teamCapability),
                management_efficiency: .init(wire: p.factors.managementEfficiency)),
            phases: p.phases.map { phase in
                Components.Schemas.Phase(
                    phase: phase.phase.rawValue, ordinal: phase.ordinal, state: .init(wire: phase.state),
                    planned_start: phase.plannedStart?.description, planned_end: phase.plannedEnd?.description,
                    actual_start: phase.actualStart?.description, actual_end: phase.actualEnd?.description,
                    steps: phase.steps.map { s in
                        Components.Schemas.Step(
                            step: s.step, ordinal: s.ordinal, state: .init(wire: s.state), planned_start: s.plannedStart?.description,
                            planned_end: s.plannedEnd?.description, actual_start: s.actualStart?.description,
                            actual_end: s.actualEnd?.description)
                    })
            },
            progress: progress,
            latest_estimate: estimate.map { e in
                Components.Schemas.Estimate(
                    id: e.id.uuidString.lowercased(), job_id: e.jobID.uuidString.lowercased(),
                    kind: .init(rawValue: e.kind.rawValue) ?? .forecast, trials: e.trials, p50_weeks: e.p50Weeks,
                    p80_weeks: e.p80Weeks, p90_weeks: e.p90Weeks, p80_finish: e.p80Finish?.description,
                    probability_on_time: e.probabilityOnTime, created_at: e.createdAt)
            },
            created_at: p.createdAt, updated_at: p.updatedAt)
    }

    /// A name-like string: 1-200 characters (0 allowed when `allowEmpty`), not blank, no control characters.
    static func text(_ value: String, field: String, allowEmpty: Bool = false) throws -> String {
        if value.isEmpty && allowEmpty { return value }
        guard !value.allSatisfy(\.isWhitespace) else { throw APIError.invalid("must not be blank", field: field) }
        guard value.count <= 200 else { throw APIError.invalid("at most 200 characters", field: field) }
        guard ControlCharacters.first(in: value, allowLineBreaks: false) == nil, !value.unicodeScalars.contains("\0") else {
            throw APIError.invalid("must not contain control characters", field: field)
        }
        return value
    }
}
