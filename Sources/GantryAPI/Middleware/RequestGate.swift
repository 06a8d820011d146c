import FoundationEssentials
import GantryPostgresStore
import HTTPTypes
import Logging
import OpenAPIRuntime

/// The one OpenAPI middleware every operation passes: it knows the operation, so it checks the
/// token and its scope, the token's rate limit and the body's content type before the generated
/// code decodes anything, and it turns every error (from decoding, a handler or the stores) into
/// the API's one error shape. It also counts the request and times it.
struct RequestGate: ServerMiddleware {
    let authenticator: TokenAuthenticator
    let limiter: RateLimiter?
    let metrics: APIMetrics
    let logger: Logger

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let start = Monotonic.nowNs()
        let answer: (HTTPResponse, HTTPBody?)
        do {
            if let scope = OperationScopes.scope(of: operationID) {
                let token = try await authenticator.authenticate(request.headerFields[.authorization])
                guard OperationScopes.allows(token.scopes, scope, operationID: operationID) else {
                    throw APIError(403, "forbidden", "this token lacks the '\(scope.rawValue)' scope that \(operationID) needs")
                }
                if let limiter, let wait = limiter.take(token.id, nowNs: start) {
                    throw APIError(
                        429, "rate_limited", "this token's rate limit (\(Int(limiter.limit.perSecond))/s) is used up",
                        retryAfterSeconds: wait)
                }
                try Self.checkContentType(request, operationID: operationID)
                answer = try await RequestToken.$current.withValue(token) { try await next(request, body, metadata) }
            } else {
                answer = try await next(request, body, metadata)
            }
        } catch {
            let e = APIError.from(error)
            if e.status >= 500 {
                // The underlying error only: a ServerError's description holds the request's headers,
                // bearer token included.
                let cause = (error as? ServerError)?.underlyingError ?? error
                logger.error("\(operationID) failed", metadata: ["status": "\(e.status)", "error": "\(String(reflecting: cause))"])
            }
            answer = e.response
        }
        metrics.record(operation: operationID, status: answer.0.status.code, startNs: start)
        return answer
    }

    static func checkContentType(_ request: HTTPRequest, operationID: String) throws {
        let want: String
        if OperationScopes.jsonBody.contains(operationID) {
            want = "application/json"
        } else if OperationScopes.csvBody.contains(operationID) {
            want = "text/csv"
        } else {
            return
        }
        guard let type = request.headerFields[.contentType] else {
            throw APIError(415, "unsupported_media_type", "send the body as \(want) (Content-Type is missing)")
        }
        let essence = type.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard essence == want else {
            throw APIError(415, "unsupported_media_type", "send the body as \(want), not \(type)")
        }
    }
}

extension APIError {
    var response: (HTTPResponse, HTTPBody?) {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        if let retryAfterSeconds { fields[.retryAfter] = String(retryAfterSeconds) }
        if status == 401 { fields[.wwwAuthenticate] = "Bearer" }
        return (HTTPResponse(status: .init(code: status), headerFields: fields), HTTPBody(body))
    }
}
