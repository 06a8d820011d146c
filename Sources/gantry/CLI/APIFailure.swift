import FoundationEssentials

/// A refusal from the API (any status of 400 or more), read from its one error shape
/// `{"error": {"code", "message", "field"?, "results"?}}`. The middleware throws it for every operation, so the
/// commands handle only the answers they want and every refusal reaches people the same way.
struct APIFailure: Error, Sendable, CustomStringConvertible {
    var status: Int
    var code: String
    var message: String
    var field: String?
    /// For a bulk enqueue that stored some jobs before failing: `stored[i]` is the ID of `jobs[i]`, or nil.
    var stored: [String?]?
    /// `Retry-After` seconds, on 429 and 503.
    var retryAfter: Int?
    /// Set when this carries a failure that was not the API's answer (no answer at all), to be given back as is.
    var wrapped: CLIError?

    init(status: Int, body: [UInt8], retryAfter: Int?) {
        self.status = status
        self.retryAfter = retryAfter
        struct Envelope: Decodable {
            struct Detail: Decodable {
                struct Stored: Decodable { var id: String? }
                var code: String
                var message: String
                var field: String?
                var results: [Stored]?
            }
            var error: Detail
        }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)) {
            code = envelope.error.code
            message = envelope.error.message
            field = envelope.error.field
            stored = envelope.error.results?.map(\.id)
        } else {
            code = "http_\(status)"
            let text = String(decoding: body.prefix(300), as: UTF8.self).trimmed
            message = text.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(text)"
        }
    }

    var description: String { field.map { "\(message) (\(code), field \($0))" } ?? "\(message) (\(code))" }

    /// The CLI's error, with the exit status its class of refusal deserves.
    var cliError: CLIError {
        if let wrapped { return wrapped }
        let kind: CLIError.Code
        switch status {
        case 401, 403: kind = .unauthorised
        case 404: kind = .notFound
        case 400, 409, 413, 415, 422: kind = .refused
        default: kind = .server
        }
        var hint = ""
        if status == 401 { hint = ": is the token right, and not revoked? (`gantry tokens list`)" }
        if status == 403 { hint = ": the token lacks the scope (`gantry tokens create --scopes …`)" }
        return CLIError(kind, message + " (\(code))" + hint, field: field)
    }
}
