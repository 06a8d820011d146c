import FoundationEssentials
import GantryPostgresStore
import OpenAPIRuntime

extension APIService {
    func listReports(_ input: Operations.listReports.Input) async throws -> Operations.listReports.Output {
        throw APIError.notConfigured("report store")
    }

    func getReport(_ input: Operations.getReport.Input) async throws -> Operations.getReport.Output {
        throw APIError.notConfigured("report store")
    }
}
