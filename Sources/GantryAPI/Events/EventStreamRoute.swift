import GantryPostgresStore
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// `GET /v1/events`: the live feed as server-sent events (`text/event-stream`), for the dashboard. A plain
/// Hummingbird route beside the OpenAPI operations because its answer is a stream that never ends, not a
/// JSON document. It needs a `read` token in `Authorization: Bearer` like the operations: the page reads it
/// with `fetch` and a stream reader rather than `EventSource` (which cannot send headers), so a token never
/// travels in a URL, where logs and histories would keep it. The connection ends when the client goes (the
/// next heartbeat's write fails), when the API shuts down, or is refused with 503 beyond the hub's cap.
struct EventStreamRoute: Sendable {
    let hub: EventHub
    let authenticator: TokenAuthenticator

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/events") { request, _ in try await self.answer(request) }
    }

    func answer(_ request: Request) async throws -> Response {
        let token = try await authenticator.authenticate(request.headers[.authorization])
        guard OperationScopes.allows(token.scopes, .read, operationID: "streamEvents") else {
            throw APIError(403, "forbidden", "this token lacks the 'read' scope that the event stream needs")
        }
        guard let subscription = hub.subscribe() else {
            throw APIError(503, "too_many_streams", "\(hub.maxSubscribers) event streams are open; try again later", retryAfterSeconds: 5)
        }
        let (id, messages) = subscription
        let hub = hub
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
            // Proxies that buffer answers (nginx) would hold the events back.
            HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                defer { hub.drop(id) }
                try await withGracefulShutdownHandler {
                    // The first bytes at once, so the client knows the stream is open before any event.
                    try await writer.write(ByteBuffer(string: ServerSentEvent.comment("gantry events") + "retry: 3000\n\n"))
                    for await message in messages {
                        try await writer.write(ByteBuffer(string: message))
                    }
                } onGracefulShutdown: {
                    hub.drop(id)
                }
                try await writer.finish(nil)
            })
    }
}
