#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it; bound and released at once).
public func freeLoopbackPort() throws -> Int {
    let fd = openStreamSocket()
    guard fd >= 0 else { throw TestServerError(.startFailed, "socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = loopbackAddress(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestServerError(.startFailed, "bind(127.0.0.1:0) failed: errno \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw TestServerError(.startFailed, "getsockname failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
func loopbackPortAcceptsConnections(_ port: Int) -> Bool {
    let fd = openStreamSocket()
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return connectLoopback(fd, port: port)
}

/// Sends `PING` to a Redis on 127.0.0.1:`port` and reports whether it answered `+PONG` within about a second.
func redisAnswersPing(port: Int) -> Bool {
    let fd = openStreamSocket()
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 1, tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    guard connectLoopback(fd, port: port) else { return false }
    let ping: [UInt8] = Array("PING\r\n".utf8)
    guard ping.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == ping.count else { return false }
    var buffer = [UInt8](repeating: 0, count: 64)
    let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    guard received > 0 else { return false }
    return String(decoding: buffer[0..<received], as: UTF8.self).hasPrefix("+PONG")
}

private func openStreamSocket() -> Int32 {
    #if os(Linux)
    return socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    return socket(AF_INET, SOCK_STREAM, 0)
    #endif
}

private func loopbackAddress(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}

private func connectLoopback(_ fd: Int32, port: Int) -> Bool {
    var address = loopbackAddress(port: port)
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return result == 0
}
