#if canImport(Glibc)
import Glibc
#endif

extension MetricsListener {
    /// A listening TCP socket on `host:port` (a name or an IPv4/IPv6 address).
    static func listen(host: String, port: Int) throws(MetricsListenerError) -> Int32 {
        guard (0...65_535).contains(port) else { throw MetricsListenerError(.badAddress, "metrics port \(port) is outside 0-65535", address: "\(host):\(port)") }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw MetricsListenerError(.badAddress, "the metrics host does not resolve: \(String(cString: gai_strerror(status)))", address: "\(host):\(port)")
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = 0
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = errno
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, Glibc.listen(fd, 16) == 0 { return fd }
            lastError = errno
            close(fd)
        }
        throw MetricsListenerError(.cannotListen, String(cString: strerror(lastError)), address: "\(host):\(port)")
    }

    /// The port a socket is bound to (what port 0 became).
    static func localPort(_ fd: Int32) -> Int? {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        switch Int32(address.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) } }
        case AF_INET6:
            return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) } }
        default:
            return nil
        }
    }

    /// The request up to its blank line (its body, if any, is ignored), or nil when the client sent
    /// nothing usable within the timeout or 8 KiB.
    @available(*, noasync, message: "blocks the thread; runs on the listener's own")
    static func readHead(_ fd: Int32) -> [UInt8]? {
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while head.count < 8_192 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return head.isEmpty ? nil : head }
            head.append(contentsOf: chunk[0..<n])
            if head.count >= 4, head.firstRange(of: [13, 10, 13, 10]) != nil || head.firstRange(of: [10, 10]) != nil { return head }
        }
        return head
    }

    static func response(
        _ status: Int, _ reason: String, _ contentType: String, _ body: [UInt8], length: Int? = nil, extra: String = ""
    ) -> [UInt8] {
        let header =
            "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\nContent-Length: \(length ?? body.count)\r\n"
            + "\(extra)Connection: close\r\n\r\n"
        return Array(header.utf8) + body
    }

    @available(*, noasync, message: "blocks the thread; runs on the listener's own")
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }
}

/// The first line of an HTTP request: its method and its path without the query.
struct HTTPRequestLine: Equatable {
    var method: String
    var path: String

    init?(_ head: [UInt8]) {
        guard let end = head.firstIndex(of: 10) else { return nil }
        let line = String(decoding: head[..<end], as: UTF8.self).trimmingSuffix("\r")
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else { return nil }
        method = String(parts[0])
        path = String(parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}

