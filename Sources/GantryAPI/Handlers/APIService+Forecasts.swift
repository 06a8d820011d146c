import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore
import OpenAPIRuntime

/// A project's forecast history: every stored estimate as a point of the P50/P80 trend.
extension APIService {
    func listProjectForecasts(_ input: Operations.listProjectForecasts.Input) async throws
        -> Operations.listProjectForecasts.Output
    {
        let estimates = try required(dependencies.estimates, "estimate store")
        let projects = try required(dependencies.projects, "project store")
        let projectID = try Self.uuid(input.path.id)
        let limit = input.query.limit ?? 200
        guard (1...1000).contains(limit) else { throw APIError.badRequest("limit must be 1-1000", field: "limit") }
        guard let project = try await projects.project(projectID) else {
            throw APIError.notFound("project", projectID.uuidString.lowercased())
        }
        let points = try await estimates.forecastHistory(of: projectID, limit: limit)
        return .ok(
            .init(
                body: .json(
                    .init(
                        project_id: projectID.uuidString.lowercased(), target_date: project.targetDate?.description,
                        forecasts: points.map { p in
                            Components.Schemas.ForecastPoint(
                                estimate_id: p.estimateID.uuidString.lowercased(), created_at: p.createdAt,
                                kind: .init(rawValue: p.kind) ?? .forecast, p50_finish: p.p50Finish?.description,
                                p80_finish: p.p80Finish?.description, probability_on_time: p.probabilityOnTime)
                        }))))
    }
}

/// A project's latest forecast in full, for the dashboard's project page (histogram, S-curve, tornado).
extension APIService {
    func getProjectForecast(_ input: Operations.getProjectForecast.Input) async throws -> Operations.getProjectForecast.Output {
        let estimates = try required(dependencies.estimates, "estimate store")
        let projects = try required(dependencies.projects, "project store")
        let projectID = try Self.uuid(input.path.id)
        guard try await projects.project(projectID) != nil else {
            throw APIError.notFound("project", projectID.uuidString.lowercased())
        }
        guard let latest = try await estimates.latest(of: projectID) else {
            throw APIError(404, "not_found", "project \(projectID.uuidString.lowercased()) has no forecast yet")
        }
        let result = try JSONValue.parse(latest.resultJSON)
        guard case .object = result else {
            throw APIError(500, "internal", "the stored forecast \(latest.id) is not an object")
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        project_id: projectID.uuidString.lowercased(), estimate_id: latest.id.uuidString.lowercased(),
                        job_id: latest.estimate.jobID.uuidString.lowercased(), created_at: latest.createdAt,
                        kind: .init(rawValue: latest.estimate.kind.rawValue) ?? .forecast,
                        result: .init(additionalProperties: result.openAPIObject)))))
    }
}
