import GantryCore
import Hummingbird
import Logging

/// The Hummingbird middleware in front of the generated routes: refuses a body over the limit
/// (413) before anything reads it, and answers what never reaches an operation (no such route,
/// Hummingbird's own refusals) in the API's one error shape.
struct HTTPEdge<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int
    let maxBulkBodyBytes: Int
    let metrics: APIMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var request = request
            let path = request.uri.path
            let limit = path == "/v1/jobs/bulk" || path == "/v1/imports" ? maxBulkBodyBytes : maxBodyBytes
            if let length = request.headers[.contentLength] {
                guard let n = Int(length), n >= 0 else { throw APIError.badRequest("Content-Length is not a number") }
                if n > limit { throw Self.tooLarge(limit) }
            } else if request.headers[.transferEncoding] != nil {
                // A chunked body has no length up front: read it with the limit before anything decodes it.
                do {
                    let buffer = try await request.body.collect(upTo: limit)
                    request.body = .init(buffer: buffer)
                } catch let error as HTTPError where error.status == .contentTooLarge {
                    throw Self.tooLarge(limit)
                }
            }
            return try await next(request, context)
        } catch {
            let e = Self.apiError(error)
            metrics.record(operation: "none", status: e.status, startNs: Monotonic.nowNs())
            var headers: HTTPFields = [.contentType: "application/json"]
            if let r = e.retryAfterSeconds { headers[.retryAfter] = String(r) }
            return Response(status: .init(code: e.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: e.body)))
        }
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(413, "payload_too_large", "the body is over this operation's limit of \(limit) bytes")
    }

    static func apiError(_ error: any Error) -> APIError {
        if let e = error as? APIError { return e }
        if let e = error as? HTTPError {
            switch e.status {
            case .notFound: return APIError(404, "no_route", "no such route")
            case .methodNotAllowed: return APIError(405, "method_not_allowed", "this route does not take that method")
            case .contentTooLarge: return APIError(413, "payload_too_large", "the body is over the limit")
            default:
                return APIError(
                    Int(e.status.code), e.status.code < 500 ? "bad_request" : "internal", e.status.reasonPhrase)
            }
        }
        return APIError.from(error)
    }
}
