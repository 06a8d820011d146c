import FoundationEssentials
import Glibc
import NIOCore
import NIOPosix
import NIOSSL

/// A minimal SMTP submission client on NIO: EHLO (HELO as a fallback), STARTTLS when the relay
/// offers it and the configuration allows, AUTH PLAIN only when credentials are given, MAIL FROM,
/// RCPT TO, DATA with dot-stuffing, QUIT. One connection per message: notifications are few, and a
/// fresh conversation has no state to go stale.
///
/// All I/O runs on NIO's event loops; the calling task only awaits replies, so nothing blocks the
/// cooperative pool. The whole conversation is bounded by `SMTPConfiguration.timeout`.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    let group: any EventLoopGroup

    public init(configuration: SMTPConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
    }

    /// Hands `message` (an RFC 5322 message; any line endings) to the relay for `recipients`, with
    /// `configuration.from` as the envelope sender. Returns the relay's reply to the data (250).
    public func send(to recipients: [String], message: String) async throws -> SMTPReply {
        let from = configuration.from
        for address in [from] + recipients where !EmailAddress.isValid(address) {
            throw SMTPError(.invalidMessage, "'\(address.prefix(80))' is not an address SMTP can carry")
        }
        guard !recipients.isEmpty else { throw SMTPError(.invalidMessage, "no recipients") }

        let (replies, continuation) = AsyncThrowingStream<SMTPReply, any Error>.makeStream()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.milliseconds(Int64(configuration.timeout.wholeMilliseconds)))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        try channel.pipeline.syncOperations.addHandler(SMTPReplyForwarder(continuation))
                    }
                }
                .connect(host: configuration.host, port: configuration.port).get()
        } catch {
            continuation.finish()
            throw SMTPError(.connectionFailed, "\(configuration.host):\(configuration.port): \(error)")
        }

        let timeout = configuration.timeout
        let result: Result<SMTPReply, any Error>
        do {
            let reply = try await withThrowingTaskGroup(of: SMTPReply?.self) { group in
                group.addTask {
                    var conversation = SMTPConversation(channel: channel, replies: replies, configuration: configuration)
                    return try await conversation.run(recipients: recipients, message: message)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                guard let first else {
                    channel.close(promise: nil)
                    throw SMTPError(.timedOut, "no answer within \(timeout)")
                }
                return first
            }
            result = .success(reply)
        } catch {
            result = .failure(error)
        }
        try? await channel.close()
        return try result.get()
    }
}

/// One conversation's state: the reply stream's iterator and whether TLS is on.
struct SMTPConversation {
    let channel: any Channel
    var replies: AsyncThrowingStream<SMTPReply, any Error>.AsyncIterator
    let configuration: SMTPConfiguration
    var tlsActive = false

    init(channel: any Channel, replies: AsyncThrowingStream<SMTPReply, any Error>, configuration: SMTPConfiguration) {
        self.channel = channel
        self.replies = replies.makeAsyncIterator()
        self.configuration = configuration
    }

    mutating func run(recipients: [String], message: String) async throws -> SMTPReply {
        _ = try await expect("greeting", 220)
        var capabilities = try await hello()
        if configuration.tls != .disabled {
            if capabilities.contains("STARTTLS") {
                try await write("STARTTLS")
                _ = try await expect("STARTTLS", 220)
                try await startTLS()
                capabilities = try await hello()
            } else if configuration.tls == .required {
                throw SMTPError(.insecure, "the relay does not offer STARTTLS, which the configuration requires")
            }
        }
        if let credentials = configuration.credentials {
            guard tlsActive || configuration.isLoopback else {
                throw SMTPError(.insecure, "refusing to send credentials without TLS to \(configuration.host)")
            }
            let token = Data(Array("\u{0}\(credentials.username)\u{0}\(credentials.password)".utf8)).base64EncodedString()
            try await write("AUTH PLAIN \(token)")
            _ = try await expect("AUTH PLAIN", 235)
        }
        try await write("MAIL FROM:<\(configuration.from)>")
        _ = try await expect("MAIL FROM", 250)
        for recipient in recipients {
            try await write("RCPT TO:<\(recipient)>")
            _ = try await expect("RCPT TO", 250, 251)
        }
        try await write("DATA")
        _ = try await expect("DATA", 354)
        try await channel.writeAndFlush(ByteBuffer(string: Self.dataBlock(message)))
        let accepted = try await expect("end of data", 250)
        // The message is queued; a relay that then fumbles QUIT changes nothing.
        try? await write("QUIT")
        _ = try? await next("QUIT")
        return accepted
    }

    /// EHLO, or HELO for a relay that does not know it; returns the EHLO keywords, upper-cased.
    mutating func hello() async throws -> Set<String> {
        try await write("EHLO \(configuration.heloName)")
        let reply = try await next("EHLO")
        if reply.code == 250 {
            return Set(reply.lines.dropFirst().compactMap { $0.split(separator: " ").first.map { $0.uppercased() } })
        }
        guard reply.code == 500 || reply.code == 502 else {
            throw SMTPError(.rejected, replyCode: reply.code, command: "EHLO", reply.text)
        }
        try await write("HELO \(configuration.heloName)")
        _ = try await expect("HELO", 250)
        return []
    }

    mutating func startTLS() async throws {
        let context = try NIOSSLContext(configuration: configuration.tlsConfiguration)
        let host = configuration.host
        // SNI carries names only, never addresses.
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        let channel = channel
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
        tlsActive = true
    }

    func write(_ line: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
    }

    mutating func next(_ command: String) async throws -> SMTPReply {
        guard let reply = try await replies.next() else {
            try Task.checkCancellation()
            throw SMTPError(.protocolViolation, command: command, "the relay closed the connection")
        }
        return reply
    }

    mutating func expect(_ command: String, _ codes: Int...) async throws -> SMTPReply {
        let reply = try await next(command)
        guard codes.contains(reply.code) else {
            throw SMTPError(.rejected, replyCode: reply.code, command: command, reply.text)
        }
        return reply
    }

    /// The message as DATA carries it: CRLF line endings, a leading dot doubled (RFC 5321 section
    /// 4.5.2) so no line of the message can end it early, then the terminating `.` line.
    static func dataBlock(_ message: String) -> String {
        // Bytes, not Characters: "\r\n" is one Character, and would not split on "\n".
        var lines = Array(message.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        if message.utf8.last == 0x0A { lines.removeLast() }
        var out: [UInt8] = []
        out.reserveCapacity(message.utf8.count + 64)
        for var line in lines {
            if line.last == 0x0D { line = line.dropLast() }
            if line.first == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out += line
            out += [0x0D, 0x0A]
        }
        out += Array(".\r\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }
}
