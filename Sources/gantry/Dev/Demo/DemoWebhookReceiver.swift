import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The demo's stakeholders: a webhook receiver on loopback that accepts every delivery (204) and counts them,
/// so `notify.send` jobs have somewhere real to go. One event-loop thread; started only with `--demo`.
final class DemoWebhookReceiver: Sendable {
    let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let counter: Counter

    var url: String { "http://127.0.0.1:\(port)/hooks" }
    var deliveries: Int { counter.count.withLock { $0 } }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup, counter: Counter) {
        self.channel = channel
        self.group = group
        self.port = channel.localAddress?.port ?? 0
        self.counter = counter
    }

    static func start() async throws -> DemoWebhookReceiver {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let counter = Counter()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap { channel.pipeline.addHandler(Accept(counter: counter)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return DemoWebhookReceiver(channel: channel, group: group, counter: counter)
    }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Counter: Sendable {
        let count = Mutex(0)
    }

    /// Answers each request with 204 once its body has arrived.
    private final class Accept: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let counter: Counter
        init(counter: Counter) { self.counter = counter }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            counter.count.withLock { $0 += 1 }
            let head = HTTPResponseHead(version: .http1_1, status: .noContent, headers: ["content-length": "0"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
