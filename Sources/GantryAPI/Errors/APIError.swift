import GantryCore

/// A refusal the API answers with: an HTTP status, a stable code, a message for people and the
/// path of the value at fault. Every error path of the API ends as one of these, so clients see one
/// shape, `{"error": {"code", "message", "field"?}}`, and never a stack trace or SQL text.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var field: String?
    /// Seconds, for 429 and 503.
    public var retryAfterSeconds: Int?
    /// For a bulk enqueue that stored some jobs and not others: the ID stored for each job, or nil.
    public var results: [String?]?

    public init(
        _ status: Int, _ code: String, _ message: String, field: String? = nil, retryAfterSeconds: Int? = nil,
        results: [String?]? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
        self.results = results
    }

    public var description: String { "\(status) \(code): \(message)\(field.map { " (field \($0))" } ?? "")" }

    static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(400, "bad_request", message, field: field)
    }
    static func notFound(_ what: String, _ id: String) -> APIError {
        APIError(404, "not_found", "no \(what) with ID \(id)")
    }
    static func invalid(_ message: String, field: String) -> APIError {
        APIError(422, "invalid_request", message, field: field)
    }
    static func unavailable(_ what: String) -> APIError {
        APIError(503, "unavailable", "\(what) did not answer; try again", retryAfterSeconds: 1)
    }
    static func notConfigured(_ what: String) -> APIError {
        APIError(503, "not_configured", "this API process has no \(what)")
    }

    /// The JSON body, compact (no pretty-printing: every byte is paid for on the hot path).
    var body: [UInt8] {
        var detail: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let field { detail["field"] = .string(field) }
        if let results {
            detail["results"] = .array(results.map { id in id.map { .object(["id": .string($0)]) } ?? .object([:]) })
        }
        return JSONValue.object(["error": .object(detail)]).jsonBytes
    }
}
