import FoundationEssentials
import GantryPostgresStore
import OpenAPIRuntime

extension APIService {
    func createImport(_ input: Operations.createImport.Input) async throws -> Operations.createImport.Output {
        throw APIError.notConfigured("import planner")
    }

    func getImport(_ input: Operations.getImport.Input) async throws -> Operations.getImport.Output {
        throw APIError.notConfigured("import store")
    }

    func getImportResults(_ input: Operations.getImportResults.Input) async throws -> Operations.getImportResults.Output {
        throw APIError.notConfigured("import store")
    }
}
