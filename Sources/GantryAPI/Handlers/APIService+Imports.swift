import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore
import OpenAPIRuntime

extension APIService {
    func createImport(_ input: Operations.createImport.Input) async throws -> Operations.createImport.Output {
        guard case .csv(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send text/csv") }
        try Self.checkIdempotencyKey(input.headers.Idempotency_hyphen_Key)
        let q = input.query
        let imports = try required(dependencies.imports, "import store")
        let upload = try await upload(body, projectID: q.project_id, name: q.name)
        let plan = try await upload.planner.plan(
            projectID: upload.projectID, entity: ImportEntity(wire: q.entity), profile: ImportProfile(wire: q.profile ?? .gantry),
            encoding: Self.encoding(q.encoding), sourceName: upload.sourceName, csv: upload.csv)
        var jobIDs: [String] = []
        if !plan.jobs.isEmpty {
            do {
                jobIDs = try await queue.enqueue(plan.jobs).map(\.id.description)
            } catch let error as GantryError {
                throw APIError.from(error)
            } catch let error as PartialEnqueueError {
                throw APIError.from(error)
            }
        }
        guard let record = try await imports.find(plan.importID) else {
            throw APIError.unavailable("the import store")
        }
        var answer = Self.importAnswer(record)
        answer.job_ids = jobIDs
        answer.encoding = .init(rawValue: plan.encoding.rawValue)
        answer.encoding_note = plan.encodingNote
        return .accepted(.init(body: .json(answer)))
    }

    /// `createImport` up to the merge, in a transaction that is rolled back: the counts, the
    /// reconciliation and the first rejected rows the import would have, and nothing stored.
    func dryRunImport(_ input: Operations.dryRunImport.Input) async throws -> Operations.dryRunImport.Output {
        guard case .csv(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send text/csv") }
        let q = input.query
        let upload = try await upload(body, projectID: q.project_id, name: q.name)
        let rehearsal = try await upload.planner.dryRun(
            projectID: upload.projectID, entity: ImportEntity(wire: q.entity), profile: ImportProfile(wire: q.profile ?? .gantry),
            encoding: Self.encoding(q.encoding), sourceName: upload.sourceName, csv: upload.csv)
        let r = rehearsal.dryRun
        var reconciliation: Components.Schemas.ImportDryRun.reconciliationPayload?
        if let value = r.reconciliation?.json, case .object = value {
            reconciliation = .init(additionalProperties: value.openAPIObject)
        }
        let answer = Components.Schemas.ImportDryRun(
            project_id: r.projectID.uuidString.lowercased(), entity: .init(rawValue: r.entity.rawValue) ?? .accounts,
            profile: .init(rawValue: r.profile.rawValue) ?? .gantry, source_name: r.sourceName, source_rows: r.sourceRows,
            batch_count: r.batchCount,
            counts: .init(created: r.counts.created, updated: r.counts.updated, unchanged: r.counts.unchanged, rejected: r.counts.rejected),
            encoding: .init(rawValue: rehearsal.encoding.rawValue) ?? .utf_hyphen_8, encoding_note: rehearsal.encodingNote,
            reconciliation: reconciliation, ignored_headers: rehearsal.ignoredHeaders,
            rejected: r.rejected.map {
                .init(row: $0.rowNo, external_id: $0.externalID, column: $0.column, reason: $0.reason ?? "")
            })
        return .ok(.init(body: .json(answer)))
    }

    /// What `createImport` and `dryRunImport` both check before planning: the project exists, the
    /// name is clean, the file is within the limit.
    private func upload(_ body: HTTPBody, projectID id: String, name: String?) async throws
        -> (projectID: UUID, sourceName: String, csv: [UInt8], planner: any ImportPlanning)
    {
        let projectID = try Self.uuid(id, field: "project_id")
        let sourceName = try Self.text(name ?? "upload.csv", field: "name")
        let projects = try required(dependencies.projects, "project store")
        guard try await projects.project(projectID) != nil else {
            throw APIError(404, "not_found", "no project with ID \(projectID.uuidString.lowercased())", field: "project_id")
        }
        let planner = try required(dependencies.importPlanner, "import planner")
        do {
            let csv = try await [UInt8](collecting: body, upTo: configuration.maxBulkBodyBytes)
            return (projectID, sourceName, csv, planner)
        } catch {
            throw APIError(413, "payload_too_large", "the file is over the limit of \(configuration.maxBulkBodyBytes) bytes")
        }
    }

    /// The wire's encoding names; `gbk` is read as its superset GB18030.
    static func encoding(_ wire: Components.Schemas.ImportEncoding?) -> SourceEncoding {
        wire.flatMap { SourceEncoding(name: $0.rawValue) } ?? .auto
    }

    func getImport(_ input: Operations.getImport.Input) async throws -> Operations.getImport.Output {
        let imports = try required(dependencies.imports, "import store")
        let id = try Self.uuid(input.path.id)
        guard let record = try await imports.find(id) else { throw APIError.notFound("import", id.uuidString.lowercased()) }
        return .ok(.init(body: .json(Self.importAnswer(record))))
    }

    /// `row,external_id,outcome,column,error`, one line per row of the file, in row order.
    func getImportResults(_ input: Operations.getImportResults.Input) async throws -> Operations.getImportResults.Output {
        let imports = try required(dependencies.imports, "import store")
        let id = try Self.uuid(input.path.id)
        guard try await imports.find(id) != nil else { throw APIError.notFound("import", id.uuidString.lowercased()) }
        let outcome = input.query.outcome?.rawValue
        var text = "row,external_id,outcome,column,error\r\n"
        var after = 0
        while true {
            let page = try await imports.results(id, outcome: outcome, limit: 5_000, afterRow: after)
            for r in page {
                text += [String(r.rowNo), r.externalID ?? "", r.outcome, r.column ?? "", r.reason ?? ""]
                    .map(Self.csvField).joined(separator: ",")
                text += "\r\n"
            }
            guard page.count == 5_000, let last = page.last else { break }
            after = last.rowNo
        }
        return .ok(.init(body: .csv(HTTPBody(text))))
    }

    static func importAnswer(_ r: MigrationImportRecord) -> Components.Schemas.Import {
        var reconciliation: Components.Schemas.Import.reconciliationPayload?
        if let value = r.reconciliation, case .object = value {
            reconciliation = .init(additionalProperties: value.openAPIObject)
        }
        return Components.Schemas.Import(
            id: r.id.uuidString.lowercased(), project_id: r.projectID.uuidString.lowercased(),
            entity: .init(rawValue: r.entity.rawValue) ?? .accounts, profile: .init(rawValue: r.profile.rawValue) ?? .gantry,
            source_name: r.sourceName, source_rows: r.sourceRows, batch_count: r.batchCount, batches_done: r.batchesDone,
            counts: .init(created: r.counts.created, updated: r.counts.updated, unchanged: r.counts.unchanged, rejected: r.counts.rejected),
            status: .init(rawValue: r.status.rawValue) ?? .loading, reconciliation: reconciliation)
    }

    /// One CSV field, quoted when it holds a comma, a quote or a line break; a field a spreadsheet
    /// would run as a formula gets a leading apostrophe.
    static func csvField(_ field: String) -> String {
        var f = field
        if let first = f.first, "=+-@".contains(first), Double(f) == nil { f = "'" + f }
        guard f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return f }
        return "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A project's imports, for the dashboard's project page.
extension APIService {
    func listProjectImports(_ input: Operations.listProjectImports.Input) async throws -> Operations.listProjectImports.Output {
        let imports = try required(dependencies.imports, "import store")
        let projects = try required(dependencies.projects, "project store")
        let projectID = try Self.uuid(input.path.id)
        let limit = input.query.limit ?? 100
        guard (1...1000).contains(limit) else { throw APIError.badRequest("limit must be 1-1000", field: "limit") }
        guard try await projects.project(projectID) != nil else {
            throw APIError.notFound("project", projectID.uuidString.lowercased())
        }
        let records = try await imports.imports(of: projectID, limit: limit)
        return .ok(.init(body: .json(.init(imports: records.map(Self.importAnswer)))))
    }
}
