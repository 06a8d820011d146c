import FoundationEssentials
import GantryAPI
import GantryDomain
import GantryJobs

/// GantryJobs' importer behind the API's `ImportPlanning` seam. It lives here, not in GantryAPI, because the API
/// does not link the handlers; `gantry api` and the API tests both plan imports through this one adapter.
public struct ImportPlannerAdapter: ImportPlanning {
    public let importer: MigrationImporter
    /// Rows per `migration.batch` job (GantryJobs' default unless set; tests set a small one to get many batches
    /// from a small file).
    public var batchSize: Int

    public init(importer: MigrationImporter, batchSize: Int = ImportRequest.defaultBatchSize) {
        self.importer = importer
        self.batchSize = batchSize
    }

    public func plan(
        projectID: UUID, entity: ImportEntity, profile: ImportProfile, encoding: SourceEncoding, sourceName: String,
        csv: [UInt8]
    ) async throws -> ImportPlan {
        let started = try await Self.answering {
            try await importer.start(request(projectID, entity, profile, encoding, sourceName, csv))
        }
        return ImportPlan(
            importID: started.importID, jobs: started.jobs, encoding: started.encoding,
            encodingNote: DecodedSource.note(encoding: started.encoding, detected: started.encodingDetected))
    }

    public func dryRun(
        projectID: UUID, entity: ImportEntity, profile: ImportProfile, encoding: SourceEncoding, sourceName: String,
        csv: [UInt8]
    ) async throws -> ImportRehearsal {
        let rehearsed = try await Self.answering {
            try await importer.dryRun(request(projectID, entity, profile, encoding, sourceName, csv))
        }
        return ImportRehearsal(
            dryRun: rehearsed.dryRun, ignoredHeaders: rehearsed.ignoredHeaders, encoding: rehearsed.encoding,
            encodingNote: DecodedSource.note(encoding: rehearsed.encoding, detected: rehearsed.encodingDetected))
    }

    private func request(
        _ projectID: UUID, _ entity: ImportEntity, _ profile: ImportProfile, _ encoding: SourceEncoding,
        _ sourceName: String, _ csv: [UInt8]
    ) -> ImportRequest {
        ImportRequest(
            projectID: projectID, entity: entity, profile: profile, sourceName: sourceName, csv: csv, encoding: encoding,
            batchSize: batchSize)
    }

    /// A file that cannot load is the uploader's 422 (an unknown project 404), with the planner's message.
    private static func answering<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DataImportError {
            if error.code == .invalidRequest, error.message.hasPrefix("no project") {
                throw APIError(404, "not_found", error.message, field: "project_id")
            }
            throw APIError(422, "invalid_import", error.message, field: "body")
        }
    }
}
