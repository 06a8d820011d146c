import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore
import OpenAPIRuntime

/// A project's plan versions: the baseline follows the project's factors, and a change request
/// re-baselines it with the history kept.
extension APIService {
    func listProjectBaselines(_ input: Operations.listProjectBaselines.Input) async throws
        -> Operations.listProjectBaselines.Output
    {
        let baselines = try required(dependencies.baselines, "baseline store")
        let projectID = try Self.uuid(input.path.id)
        guard try await projectExists(projectID) else { throw APIError.notFound("project", projectID.uuidString.lowercased()) }
        let versions = try await baselines.baselines(of: projectID)
        return .ok(.init(body: .json(.init(baselines: versions.map(Self.baselineAnswer)))))
    }

    func createProjectBaseline(_ input: Operations.createProjectBaseline.Input) async throws
        -> Operations.createProjectBaseline.Output
    {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        let baselines = try required(dependencies.baselines, "baseline store")
        let projects = try required(dependencies.projects, "project store")
        let projectID = try Self.uuid(input.path.id)
        let reason = try Self.planningText(body.reason, field: "reason", maxLength: 500)
        var weeks: [DeliveryPhase: Double] = [:]
        if let given = body.phase_weeks {
            weeks[.requirementsAnalysis] = given.requirements_analysis
            weeks[.systemDesign] = given.system_design
            weeks[.developmentAndTesting] = given.development_and_testing
            weeks[.deploymentAndTraining] = given.deployment_and_training
        }
        do {
            try BaselinePlanner.validate(baseWeeks: weeks)
        } catch {
            throw Self.planningRefusal(error)
        }
        guard let project = try await projects.project(projectID) else {
            throw APIError.notFound("project", projectID.uuidString.lowercased())
        }
        var factors: ProjectFactors?
        if let given = body.factors {
            var changed = project.factors
            if let size = given.client_size { changed.clientSize = .init(wire: size) }
            if let level = given.complexity { changed.complexity = .init(wire: level) }
            if let level = given.team_capability { changed.teamCapability = .init(wire: level) }
            if let level = given.management_efficiency { changed.managementEfficiency = .init(wire: level) }
            factors = changed
        }
        let record: ProjectBaselineRecord
        do {
            record = try await baselines.rebaseline(projectID, change: BaselineChange(reason: reason, factors: factors, baseWeeks: weeks))
        } catch let error as CRMStoreError where error.code == .projectNotFound {
            throw APIError.notFound("project", projectID.uuidString.lowercased())
        }
        return .created(.init(body: .json(Self.baselineAnswer(record))))
    }

    static func baselineAnswer(_ b: ProjectBaselineRecord) -> Components.Schemas.Baseline {
        Components.Schemas.Baseline(
            project_id: b.projectID.uuidString.lowercased(), version: b.version, reason: b.reason,
            factors: .init(
                client_size: .init(rawValue: b.factors.clientSize.rawValue) ?? .medium, complexity: .init(wire: b.factors.complexity),
                team_capability: .init(wire: b.factors.teamCapability), management_efficiency: .init(wire: b.factors.managementEfficiency)),
            phases: b.phases.map { p in
                Components.Schemas.BaselinePhase(
                    phase: p.phase.rawValue, base_weeks: p.baseWeeks, multiplier: p.multiplier, planned_weeks: p.plannedWeeks,
                    planned_start: p.plannedStart.description, planned_end: p.plannedEnd?.description)
            },
            created_at: b.createdAt)
    }

    /// A planning refusal: 400 with the domain's field and reason.
    static func planningRefusal(_ error: DomainError) -> APIError {
        APIError(400, "invalid_value", error.message, field: error.field.isEmpty ? nil : error.field)
    }

    /// Free text of a planning record: not blank, at most `maxLength` characters, no control characters.
    static func planningText(_ value: String, field: String, maxLength: Int) throws -> String {
        guard !value.allSatisfy(\.isWhitespace) else { throw APIError(400, "invalid_value", "must not be blank", field: field) }
        guard value.count <= maxLength else { throw APIError(400, "invalid_value", "at most \(maxLength) characters", field: field) }
        guard ControlCharacters.first(in: value, allowLineBreaks: false) == nil, !value.unicodeScalars.contains("\0") else {
            throw APIError(400, "invalid_value", "must not contain control characters", field: field)
        }
        return value
    }
}
