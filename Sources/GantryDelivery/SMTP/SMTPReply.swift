import NIOCore

/// One SMTP reply: a code and its text lines (RFC 5321 section 4.2; `250-…` lines continue, `250 …` ends).
public struct SMTPReply: Sendable, Hashable {
    public var code: Int
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public var isPositive: Bool { (200..<400).contains(code) }
    public var text: String { lines.joined(separator: " / ") }
}

/// Cuts the relay's byte stream into replies.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    /// RFC 5321 allows 512 octets per reply line; a relay sending far more is broken or hostile.
    static let maximumLine = 4096
    var pending: [String] = []
    var pendingCode: Int?

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLine {
                throw SMTPError(.protocolViolation, "a reply line longer than \(Self.maximumLine) bytes")
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        guard var utf8 = buffer.readBytes(length: length) else { return .needMoreData }
        while utf8.last == 0x0A || utf8.last == 0x0D { utf8.removeLast() }
        let line = String(decoding: utf8, as: UTF8.self)
        guard utf8.count >= 3, let code = Int(String(decoding: utf8[0..<3], as: UTF8.self)), (200...599).contains(code)
        else {
            throw SMTPError(.protocolViolation, "not an SMTP reply: \(line.prefix(80))")
        }
        if let pendingCode, pendingCode != code {
            throw SMTPError(.protocolViolation, "a multi-line reply changed its code from \(pendingCode) to \(code)")
        }
        let separator: UInt8? = utf8.count > 3 ? utf8[3] : nil
        pending.append(utf8.count > 4 ? String(decoding: utf8[4...], as: UTF8.self) : "")
        if separator == UInt8(ascii: "-") {
            pendingCode = code
        } else {
            context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: pending)))
            pending = []
            pendingCode = nil
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Hands decoded replies to the task that talks to the relay.
final class SMTPReplyForwarder: ChannelInboundHandler, Sendable {
    typealias InboundIn = SMTPReply
    let continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation

    init(_ continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }
}
