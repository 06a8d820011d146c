#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ports on 127.0.0.1: which are free to listen on, and whether a Redis there answers.
enum LocalPorts {
    /// `preferred` when a server could listen on it now, else a port the kernel picks.
    static func choose(preferred: Int) throws -> Int {
        if canListen(on: preferred) { return preferred }
        return try free()
    }

    /// A port nothing listens on right now.
    static func free() throws -> Int {
        let fd = openSocket()
        guard fd >= 0 else { throw DevError(.toolFailed, "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = loopback(port: 0)
        guard bindSocket(fd, &address) else { throw DevError(.toolFailed, "bind(127.0.0.1:0) failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw DevError(.toolFailed, "getsockname failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a server could listen on 127.0.0.1:`port` (with SO_REUSEADDR, as redis-server and postgres do).
    static func canListen(on port: Int) -> Bool {
        guard (1...65535).contains(port) else { return false }
        let fd = openSocket()
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        return bindSocket(fd, &address) && listen(fd, 1) == 0
    }

    /// Whether 127.0.0.1:`port` accepts a TCP connection.
    static func acceptsConnections(_ port: Int) -> Bool {
        let fd = openSocket()
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return connectSocket(fd, port: port)
    }

    /// Whether a Redis on 127.0.0.1:`port` answers PING with PONG (a loopback round trip, a second at most).
    static func redisAnswersPing(_ port: Int) -> Bool {
        let fd = openSocket()
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connectSocket(fd, port: port) else { return false }
        let ping = Array("PING\r\n".utf8)
        guard ping.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == ping.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return received > 0 && String(decoding: buffer[0..<received], as: UTF8.self).hasPrefix("+PONG")
    }

    private static func openSocket() -> Int32 {
        #if os(Linux)
        return socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        return socket(AF_INET, SOCK_STREAM, 0)
        #endif
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private static func bindSocket(_ fd: Int32, _ address: inout sockaddr_in) -> Bool {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func connectSocket(_ fd: Int32, port: Int) -> Bool {
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
