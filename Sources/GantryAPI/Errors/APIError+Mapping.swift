import GantryCore
import GantryPostgresStore
import OpenAPIRuntime

extension APIError {
    /// The API's answer to any error a handler or the generated code threw. Known errors keep their
    /// code and field; anything else becomes a 500 with no detail (the log has it), so no SQL text,
    /// connection string or stack trace can reach a client.
    static func from(_ error: any Error, fieldPrefix: String = "") -> APIError {
        if let e = error as? APIError { return e }
        if let e = error as? ServerError { return from(e.underlyingError, fieldPrefix: fieldPrefix) }
        if let e = error as? GantryError { return from(e, fieldPrefix: fieldPrefix) }
        if let e = error as? PartialEnqueueError {
            var mapped = from(e.underlying, fieldPrefix: fieldPrefix)
            mapped.status = 503
            mapped.code = "partial_enqueue"
            mapped.message = "stored \(e.taken) of \(e.results.count) jobs before the queue failed; "
                + "error.results says which (retry only those): \(mapped.message)"
            mapped.results = e.results.map { $0?.id.description }
            return mapped
        }
        if let e = error as? DecodingError { return from(e) }
        if let e = error as? APITokenError {
            switch e.code {
            case .notFound: return APIError(404, "not_found", e.message)
            case .invalidScope: return APIError(422, e.code.rawValue, e.message, field: "scopes")
            case .invalidName: return APIError(422, e.code.rawValue, e.message, field: "name")
            default: return APIError(500, "internal", "the token store answered with an unexpected row")
            }
        }
        // OpenAPIRuntime's own refusals (a missing query parameter, a value that is not an integer, an
        // unexpected content type) carry a description about the request only.
        let typeName = String(describing: type(of: error))
        if typeName == "RuntimeError" {
            let text = String(describing: error)
            if text.lowercased().contains("content type") || text.lowercased().contains("content-type") {
                return APIError(415, "unsupported_media_type", text)
            }
            return APIError(400, "bad_request", text)
        }
        return APIError(500, "internal", "the server failed to answer this request; it has been logged")
    }

    static func from(_ e: GantryError, fieldPrefix: String = "") -> APIError {
        let field = e.field.map { fieldPrefix + apiField($0, code: e.code) }
        switch e.code {
        case .invalidPayload, .invalidOption, .unknownKind, .invalidQueueName:
            let f = field ?? (e.code == .unknownKind ? fieldPrefix + "kind" : e.code == .invalidQueueName ? fieldPrefix + "queue" : nil)
            return APIError(422, e.code.rawValue, e.message, field: f)
        case .payloadTooLarge:
            return APIError(413, e.code.rawValue, e.message, field: field ?? fieldPrefix + "payload")
        case .notFound:
            return APIError(404, e.code.rawValue, e.message, field: field)
        case .storage:
            return APIError(503, "unavailable", "the queue did not answer; try again", retryAfterSeconds: 1)
        default:
            return APIError(500, e.code.rawValue, "the queue answered with something unexpected; it has been logged")
        }
    }

    /// GantryCore names fields as Swift does (`maxAttempts`, `payload.ms`, or `ms` for a payload's own
    /// field); the API names them as its JSON does (`max_attempts`, `payload.ms`).
    static func apiField(_ field: String, code: GantryError.Code) -> String {
        switch field {
        case "maxAttempts": return "max_attempts"
        case "projectID": return "project_id"
        case "uniqueKey": return "unique"
        case "uniqueFor": return "unique_for"
        case "runAt": return "delay"
        case "priority", "timeout", "kind", "delay", "queue", "traceparent", "enqueuedAt": return field
        default:
            if field == "$" { return "payload" }
            if field.hasPrefix("payload") { return field }
            return code == .invalidPayload ? "payload." + field : field
        }
    }

    /// A body that is not JSON is 400; JSON of the wrong shape names the field (422).
    static func from(_ e: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context, _ extra: String? = nil) -> String {
            var s = ""
            for key in context.codingPath {
                if let i = key.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + key.stringValue }
            }
            if let extra { s += (s.isEmpty ? "" : ".") + extra }
            return s.isEmpty ? "$" : s
        }
        switch e {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return APIError(400, "malformed_json", "the body is not valid JSON")
        case .dataCorrupted(let context) where context.debugDescription.hasPrefix("Additional properties"):
            return APIError(422, "invalid_request", "is not a known field", field: path(context))
        case .dataCorrupted(let context):
            return APIError(422, "invalid_request", "the value is not valid here", field: path(context))
        case .keyNotFound(let key, let context):
            return APIError(422, "invalid_request", "is required", field: path(context, key.stringValue))
        case .typeMismatch(let type, let context):
            return APIError(422, "invalid_request", "expected \(Self.typeName(type))", field: path(context))
        case .valueNotFound(let type, let context):
            return APIError(422, "invalid_request", "expected \(Self.typeName(type)), got null", field: path(context))
        @unknown default:
            return APIError(400, "malformed_json", "the body could not be read")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasSuffix("Payload") || String(describing: type).contains("Container")
                ? "an object" : "a value of the documented type"
        }
    }
}
