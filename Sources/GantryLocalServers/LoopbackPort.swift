import Glibc

/// TCP ports on 127.0.0.1: which are free to listen on, and whether something answers there.
public enum LoopbackPort {
    /// `preferred` when a server could listen on it now, else a port the kernel picks.
    public static func choose(preferred: Int) throws -> Int {
        canListen(on: preferred) ? preferred : try free()
    }

    /// A port nothing listens on right now (the kernel picks it; bound and released at once).
    public static func free() throws -> Int {
        let socket = try Socket()
        var address = loopback(port: 0)
        guard socket.bind(&address) else { throw failure("bind(127.0.0.1:0)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket.fd, $0, &length) }
        }
        guard named == 0 else { throw failure("getsockname") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a server could listen on 127.0.0.1:`port` (with SO_REUSEADDR, as redis-server and postgres do).
    public static func canListen(on port: Int) -> Bool {
        guard (1...65535).contains(port), let socket = try? Socket() else { return false }
        var yes: Int32 = 1
        _ = setsockopt(socket.fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        return socket.bind(&address) && listen(socket.fd, 1) == 0
    }

    /// Whether 127.0.0.1:`port` accepts a TCP connection.
    public static func acceptsConnections(_ port: Int) -> Bool {
        guard let socket = try? Socket() else { return false }
        return socket.connect(port: port)
    }

    /// Whether a Redis on 127.0.0.1:`port` answers PING (a loopback round trip, a second at most): with PONG, or
    /// with NOAUTH when it wants a password. Either way it has loaded its data and takes commands; while it loads
    /// its AOF it answers LOADING instead.
    public static func redisAnswersPing(_ port: Int) -> Bool {
        guard let socket = try? Socket() else { return false }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        _ = setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard socket.connect(port: port) else { return false }
        let ping = Array("PING\r\n".utf8)
        guard ping.withUnsafeBytes({ send(socket.fd, $0.baseAddress, $0.count, 0) }) == ping.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let received = buffer.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, $0.count, 0) }
        guard received > 0 else { return false }
        let reply = String(decoding: buffer[0..<received], as: UTF8.self)
        return reply.hasPrefix("+PONG") || reply.hasPrefix("-NOAUTH")
    }

    private static func failure(_ call: String) -> LocalServerError {
        LocalServerError(.startFailed, "\(call) failed: errno \(errno)")
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// A TCP socket closed when the value goes away.
    private final class Socket {
        let fd: Int32

        init() throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw LoopbackPort.failure("socket()") }
        }

        deinit { close(fd) }

        func bind(_ address: inout sockaddr_in) -> Bool {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            } == 0
        }

        func connect(port: Int) -> Bool {
            var address = LoopbackPort.loopback(port: port)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            } == 0
        }
    }
}
