import FoundationEssentials
import GantryPostgresStore
import OpenAPIRuntime

extension APIService {
    func createProject(_ input: Operations.createProject.Input) async throws -> Operations.createProject.Output {
        throw APIError.notConfigured("project store")
    }

    func listProjects(_ input: Operations.listProjects.Input) async throws -> Operations.listProjects.Output {
        throw APIError.notConfigured("project store")
    }

    func getProject(_ input: Operations.getProject.Input) async throws -> Operations.getProject.Output {
        throw APIError.notConfigured("project store")
    }
}
