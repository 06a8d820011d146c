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

    public func plan(projectID: UUID, entity: ImportEntity, profile: ImportProfile, sourceName: String, csv: [UInt8])
        async throws -> ImportPlan
    {
        do {
            let started = try await importer.start(
                ImportRequest(
                    projectID: projectID, entity: entity, profile: profile, sourceName: sourceName, csv: csv, batchSize: batchSize))
            return ImportPlan(importID: started.importID, jobs: started.jobs)
        } catch let error as DataImportError {
            if error.code == .invalidRequest, error.message.hasPrefix("no project") {
                throw APIError(404, "not_found", error.message, field: "project_id")
            }
            throw APIError(422, "invalid_import", error.message, field: "body")
        }
    }
}
