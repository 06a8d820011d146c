import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore

/// `report.build`: a project status report or a portfolio report, rendered as self-contained HTML
/// (inline SVG charts), CSV and JSON, and stored in `reports` with the SHA-256 of each rendering.
///
/// Reads the project(s), phases and steps, latest estimate, recent jobs and data imports
/// (`ReportLoader`), builds GantryDomain's report models, renders the requested formats
/// (`ReportRenderer`), and writes them with the job's result in one transaction through
/// `ResultLedger`, so a run repeated after a crash stores nothing twice. Returns a summary:
/// `scope`, `project_id` (null for a portfolio), `rag` (a project's) or `rag_counts` (a
/// portfolio's), and `reports`: per format its `id`, `format`, `content_type`, `bytes` and `sha256`.
///
/// Permanent failures (dead letter at once): a payload that fails the kind's schema, a project report
/// without a `project_id` or a portfolio report with one, and an unknown project. Database errors are
/// retried.
public struct ReportBuildHandler: StoreHandler {
    /// The raw payload, which the kind's request type checks (`PayloadFields`).
    public typealias Payload = PayloadFields

    public let kind = ReportBuildKind.name
    let store: GantryStore
    /// Seconds since 1970 of "now", for the report's generated-at line; injectable for tests.
    let now: @Sendable () -> Double

    public init(store: GantryStore, now: @escaping @Sendable () -> Double) {
        self.store = store
        self.now = now
    }

    public init(store: GantryStore) {
        self.init(store: store, now: { Date().timeIntervalSince1970 })
    }

    public func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue? {
        let request = try ReportRequest(payload: payload.fields)
        let jobID = context.jobID.uuid

        // A re-run whose first run committed renders nothing again: the ledger answers with the stored
        // result (or, if that row was pruned, records the summary of the stored reports).
        let stored = try await store.reports.reports(producedBy: jobID)
        if !stored.isEmpty {
            return try await store.ledger.once(context.envelope) { _ in Self.summary(request, stored, rag: nil) }.result
        }

        let loader = ReportLoader(store, logger: context.logger)
        let generatedAt = ReportNumber.utcTimestamp(secondsSince1970: now())
        let renderings: [ReportRenderer.Rendering]
        let rag: JSONValue
        switch request.scope {
        case .project:
            guard let projectID = request.projectID,
                let report = try await loader.projectReport(projectID, generatedAt: generatedAt)
            else {
                throw ReportRequest.invalid(field: "project_id", "no project \(request.projectID.map { "\($0)" } ?? "")")
            }
            await context.reportProgress(40, "project loaded; rendering \(request.formats.count) formats")
            renderings = try ReportRenderer.render(report, formats: request.formats)
            rag = ["rag": .string(report.rag.rawValue)]
        case .portfolio:
            let report = try await loader.portfolioReport(generatedAt: generatedAt)
            await context.reportProgress(40, "\(report.projects.count) projects loaded; rendering")
            renderings = try ReportRenderer.render(report, formats: request.formats)
            var counts: [String: JSONValue] = [:]
            for (status, count) in report.ragCounts { counts[status.rawValue] = .integer(Int64(count)) }
            rag = ["rag_counts": .object(counts)]
        }
        try context.checkCancellation()

        let outcome = try await store.ledger.once(context.envelope) { transaction in
            let repository = transaction.reports
            var records: [ReportRecord] = []
            for rendering in renderings {
                records.append(
                    try await repository.insert(
                        NewReport(
                            projectID: request.projectID, scope: request.scope, format: rendering.format,
                            content: rendering.content, contentType: rendering.contentType, sha256: rendering.sha256,
                            jobID: jobID)))
            }
            return Self.summary(request, records, rag: rag)
        }
        if outcome.ranNow {
            context.logger.info(
                "report stored",
                metadata: ["scope": "\(request.scope.rawValue)", "formats": "\(request.formats.map(\.rawValue))"])
        }
        return outcome.result
    }

    /// The job's result: where the reports are and how to check them.
    static func summary(_ request: ReportRequest, _ records: [ReportRecord], rag: JSONValue?) -> JSONValue {
        var fields: [String: JSONValue] = [
            "scope": .string(request.scope.rawValue),
            "project_id": request.projectID.map { .string($0.uuidString.lowercased()) } ?? .null,
            "reports": .array(
                records.map { record in
                    [
                        "id": .string(record.id.uuidString.lowercased()), "format": .string(record.format.rawValue),
                        "content_type": .string(record.contentType), "bytes": .integer(Int64(record.content.count)),
                        "sha256": .string(record.sha256),
                    ]
                }),
        ]
        if case .object(let extra)? = rag { fields.merge(extra) { $1 } }
        return .object(fields)
    }
}
