import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An SMTP relay on loopback that accepts everything (except recipients starting with `reject`,
/// answered 550) and keeps what it got, with dot-stuffing undone. Offers no STARTTLS.
final class SMTPSink: Sendable {
    struct Message: Sendable {
        var from: String
        var to: [String]
        /// The message as the sender meant it: dots un-stuffed, CRLF line endings.
        var data: String
        var ehlo: String
    }

    private let log = Mutex<[Message]>([])
    private let channel = Mutex<(any Channel)?>(nil)
    private let portValue = Mutex(0)
    var port: Int { portValue.withLock { $0 } }
    var messages: [Message] { log.withLock { $0 } }

    static func start() async throws -> SMTPSink {
        let sink = SMTPSink()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SMTPSinkHandler(sink: sink))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        sink.channel.withLock { $0 = channel }
        sink.portValue.withLock { $0 = channel.localAddress?.port ?? 0 }
        return sink
    }

    func record(_ message: Message) { log.withLock { $0.append(message) } }

    func stop() async {
        let channel = self.channel.withLock { $0 }
        try? await channel?.close()
    }
}

final class SMTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let sink: SMTPSink
    var pending: [UInt8] = []
    var inData = false
    var from = ""
    var to: [String] = []
    var dataLines: [String] = []
    var ehlo = ""

    init(sink: SMTPSink) { self.sink = sink }

    func channelActive(context: ChannelHandlerContext) {
        reply(context, "220 sink.test ESMTP ready")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let newline = pending.firstIndex(of: 0x0A) {
            var line = Array(pending[..<newline])
            pending.removeFirst(newline + 1)
            if line.last == 0x0D { line.removeLast() }
            handle(context, String(decoding: line, as: UTF8.self))
        }
    }

    func handle(_ context: ChannelHandlerContext, _ line: String) {
        if inData {
            if line == "." {
                inData = false
                sink.record(.init(from: from, to: to, data: dataLines.joined(separator: "\r\n") + "\r\n", ehlo: ehlo))
                reply(context, "250 2.0.0 queued as \(sink.messages.count)")
            } else {
                dataLines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
            }
            return
        }
        let upper = line.uppercased()
        if upper.hasPrefix("EHLO ") {
            ehlo = String(line.dropFirst(5))
            reply(context, "250-sink.test greets \(ehlo)\r\n250-8BITMIME\r\n250 SIZE 10485760")
        } else if upper.hasPrefix("MAIL FROM:") {
            from = Self.address(line)
            to = []
            reply(context, "250 2.1.0 ok")
        } else if upper.hasPrefix("RCPT TO:") {
            let address = Self.address(line)
            if address.hasPrefix("reject") {
                reply(context, "550 5.1.1 no such user")
            } else {
                to.append(address)
                reply(context, "250 2.1.5 ok")
            }
        } else if upper == "DATA" {
            inData = true
            dataLines = []
            reply(context, "354 end with <CRLF>.<CRLF>")
        } else if upper == "QUIT" {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "221 bye\r\n")), promise: nil)
            context.close(promise: nil)
        } else {
            reply(context, "502 5.5.2 not implemented")
        }
    }

    static func address(_ line: String) -> String {
        guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">") else { return "" }
        return String(line[line.index(after: open)..<close])
    }

    func reply(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}
