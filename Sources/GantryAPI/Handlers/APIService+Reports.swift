import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore
import OpenAPIRuntime

extension APIService {
    func listReports(_ input: Operations.listReports.Input) async throws -> Operations.listReports.Output {
        let reports = try required(dependencies.reports, "report store")
        let q = input.query
        let limit = q.limit ?? 100
        guard (1...1000).contains(limit) else { throw APIError.badRequest("limit must be 1-1000", field: "limit") }
        let projectID = try q.project_id.map { try Self.uuid($0, field: "project_id") }
        let rows = try await reports.listReports(
            projectID: projectID, format: q.format.flatMap { ReportFormat(rawValue: $0.rawValue) }, limit: limit)
        let answers = rows.map { r in
            Components.Schemas.Report(
                id: r.id.uuidString.lowercased(), project_id: r.projectID?.uuidString.lowercased(),
                scope: .init(rawValue: r.scope.rawValue) ?? .project, format: .init(rawValue: r.format.rawValue) ?? .json,
                content_type: r.contentType, sha256: r.sha256, size: r.size, job_id: r.jobID.uuidString.lowercased(),
                created_at: r.createdAt)
        }
        return .ok(.init(body: .json(.init(reports: answers))))
    }

    /// The report's bytes as stored, in its format, with the `ETag` of their SHA-256 (the bare hex
    /// digest: OpenAPIRuntime percent-encodes the quotes of a quoted tag). HTML and CSV are the
    /// stored bytes; JSON is the stored object re-encoded by the runtime (same value, not the same bytes).
    func getReport(_ input: Operations.getReport.Input) async throws -> Operations.getReport.Output {
        let reports = try required(dependencies.reports, "report store")
        let id = try Self.uuid(input.path.id)
        guard let report = try await reports.report(id) else { throw APIError.notFound("report", id.uuidString.lowercased()) }
        let headers = Operations.getReport.Output.Ok.Headers(ETag: report.sha256)
        switch report.format {
        case .html:
            return .ok(.init(headers: headers, body: .html(HTTPBody(report.content))))
        case .csv:
            return .ok(.init(headers: headers, body: .csv(HTTPBody(report.content))))
        case .json:
            guard case .object = try? JSONValue.parse(report.content) else {
                logger.error("report \(id) is stored as JSON but is not a JSON object")
                throw APIError(500, "internal", "the server failed to answer this request; it has been logged")
            }
            let payload = try JSONDecoder().decode(
                Operations.getReport.Output.Ok.Body.jsonPayload.self, from: Data(report.content))
            return .ok(.init(headers: headers, body: .json(payload)))
        }
    }
}
