import FoundationEssentials
import GantryCore
import GantryPostgresStore
import Logging

/// The implementation of every operation of `openapi.yaml` (the protocol is generated from it).
/// Handlers throw `APIError`, `GantryError` or the stores' errors; `RequestGate` turns all of
/// them into the one error shape.
struct APIService: APIProtocol {
    let configuration: APIConfiguration
    let dependencies: APIDependencies
    let metrics: APIMetrics
    let tokenCache: TokenCache
    /// `openapi.yaml` as JSON, converted once at start.
    let openAPIDocument: OpenAPIDocumentJSON
    /// The last hour of queue depths, sampled by this process (`getQueueHistory`).
    let depthSampler: QueueDepthSampler

    var queue: JobQueue { dependencies.queue }
    var driver: any JobQueueBackend { dependencies.queue.driver }
    var logger: Logger { dependencies.logger }

    func required<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw APIError.notConfigured(what) }
        return value
    }

    static func queueName(_ text: String, field: String = "queue") throws -> QueueName {
        do {
            return try QueueName(text)
        } catch {
            throw APIError(422, error.code.rawValue, error.message, field: field)
        }
    }

    static func jobID(_ text: String) throws -> JobID {
        guard let id = JobID(text) else { throw APIError.badRequest("'\(text)' is not a job ID (a UUID)", field: "id") }
        return id
    }

    static func uuid(_ text: String, field: String = "id") throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw APIError.badRequest("'\(text)' is not a UUID", field: field) }
        return id
    }

    /// Every queue the driver knows (or `default` alone when it cannot list them).
    func queueNames() async throws -> [QueueName] {
        guard let listing = driver as? any QueueListing else { return [.default] }
        return try await listing.queueNames()
    }
}
