import Foundation
import Glibc

/// A bare HTTP/1.1 GET on a loopback socket that reads an answer that never ends (the event stream), which
/// Hummingbird's test client cannot: it waits for a whole body. Reads block on a thread of their own, never on
/// the cooperative pool, and each is bounded by a receive timeout.
final class EventStreamReader: @unchecked Sendable {
    // Unchecked: `received` is touched only under `lock`; the socket is used by one read at a time.
    private let fd: Int32
    private let lock = NSLock()
    private var received = ""

    init(port: Int, path: String, token: String?) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (token.map { "Authorization: Bearer \($0)\r\n" } ?? "") + "\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    deinit { close(fd) }

    /// Everything read so far (headers included).
    var text: String { lock.withLock { received } }

    /// Reads until what was received satisfies `done`, the peer closes, or `timeout` passes; returns the text.
    func read(timeout: Duration, until done: @escaping @Sendable (String) -> Bool) async -> String {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds))
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 16_384)
                while Date() < deadline && !done(self.text) {
                    let n = recv(self.fd, &buffer, buffer.count, 0)
                    if n == 0 { break }
                    if n > 0 { self.lock.withLock { self.received += String(decoding: buffer[0..<n], as: UTF8.self) } }
                }
                continuation.resume(returning: self.text)
            }
        }
    }
}
