import HTTPTypes
import Hummingbird

/// The dashboard's page at `/` and its files under `/dashboard/`: plain Hummingbird routes beside the
/// OpenAPI operations, served without a token because they hold no data (the page asks for a token, keeps
/// it in `sessionStorage` and sends it as `Authorization: Bearer` on every API call). The content security
/// policy allows scripts, styles and connections to this origin only, so even a job payload that slipped
/// markup into a page could not load or send anything elsewhere.
struct DashboardRoutes: Sendable {
    let assets: DashboardAssets

    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in try self.answer("index.html", request) }
        router.get("/dashboard/**") { request, context in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            return try self.answer(path, request)
        }
    }

    func answer(_ path: String, _ request: Request) throws -> Response {
        guard let asset = assets.files[path] else { throw APIError(404, "not_found", "no dashboard file '\(path)'") }
        var headers = Self.securityHeaders
        headers[.contentType] = asset.contentType
        headers[.eTag] = asset.etag
        headers[.cacheControl] = "no-cache"
        if request.headers[.ifNoneMatch] == asset.etag {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
