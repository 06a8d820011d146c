import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A webhook receiver on loopback: answers each request with the next scripted response (200 once
/// the script is used up) and keeps every request it got, for the test to check.
public final class WebhookTestServer: Sendable {
    public enum Response: Sendable {
        case status(Int, headers: [(String, String)] = [])
        /// Never answers: the sender's timeout must end the request.
        case hang
    }

    public struct Request: Sendable {
        public var path: String
        /// Lower-cased names.
        public var headers: [String: String]
        public var body: [UInt8]
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    private let script: Mutex<[Response]>
    private let log = Mutex<[Request]>([])
    private let channel = Mutex<(any Channel)?>(nil)
    public let port: Int

    public var requests: [Request] { log.withLock { $0 } }
    public var url: String { "http://127.0.0.1:\(port)/hooks/gantry" }

    private init(script: [Response], port: Int) {
        self.script = Mutex(script)
        self.port = port
    }

    public static func start(_ script: [Response] = []) async throws -> WebhookTestServer {
        // The port is only known after binding; the recorder is handed to the handlers through a box.
        let boxRef = BoxRef()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(WebhookTestHandler(server: boxRef))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = WebhookTestServer(script: script, port: channel.localAddress?.port ?? 0)
        server.channel.withLock { $0 = channel }
        boxRef.set(server)
        return server
    }

    public func stop() async {
        let channel = self.channel.withLock { $0 }
        try? await channel?.close()
    }

    func record(_ request: Request) -> Response {
        log.withLock { $0.append(request) }
        return script.withLock { $0.isEmpty ? .status(200) : $0.removeFirst() }
    }

    final class BoxRef: Sendable {
        let box = Mutex<WebhookTestServer?>(nil)
        func set(_ server: WebhookTestServer) { box.withLock { $0 = server } }
        var server: WebhookTestServer? { box.withLock { $0 } }
    }
}

final class WebhookTestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let server: WebhookTestServer.BoxRef
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(server: WebhookTestServer.BoxRef) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head, let server = server.server else { return }
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let response = server.record(.init(path: head.uri, headers: headers, body: body))
            guard case .status(let code, let extra) = response else { return }
            var responseHeaders = HTTPHeaders(extra)
            let text = code < 300 ? "ok" : "status \(code)"
            responseHeaders.add(name: "content-length", value: "\(text.utf8.count)")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .init(statusCode: code), headers: responseHeaders))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
