import CHiredis
#if canImport(Glibc)
import Glibc
#endif

/// The one owner of a `redisContext*`: it frees the context exactly once, from `release()`
/// or from `deinit`, including after a failed connect (hiredis returns a context carrying `err`
/// that must still be freed).
///
/// Confined to its connection's thread: never shared, hence not `Sendable`.
final class RedisContextOwner {
    private var pointer: UnsafeMutablePointer<redisContext>?

    init(_ pointer: UnsafeMutablePointer<redisContext>) {
        self.pointer = pointer
    }

    deinit { release() }

    /// Frees the context; safe to call more than once.
    func release() {
        guard let pointer else { return }
        self.pointer = nil
        redisFree(pointer)
    }

    /// The socket, used only to `shutdown` it from another thread to interrupt a blocked read.
    var fileDescriptor: Int32 { pointer?.pointee.fd ?? -1 }

    /// hiredis' error kind (`REDIS_ERR_IO`, `REDIS_ERR_EOF`, ...), 0 when healthy.
    var errorKind: Int32 { pointer?.pointee.err ?? REDIS_ERR_OTHER }

    /// hiredis' error text; it names the failing system call, never a command's arguments.
    var errorText: String {
        guard let pointer else { return "context released" }
        return withUnsafeBytes(of: pointer.pointee.errstr) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    @available(*, noasync, message: "blocks the thread; run on the connection thread")
    func setTimeout(_ duration: Duration) -> Bool {
        guard let pointer else { return false }
        return redisSetTimeout(pointer, makeTimeval(duration)) == REDIS_OK
    }

    /// Appends one command to the output buffer; nothing is written until `readReply`.
    func appendCommand(
        argc: Int32,
        argv: UnsafeMutablePointer<UnsafePointer<CChar>?>,
        lengths: UnsafePointer<Int>
    ) -> Bool {
        guard let pointer else { return false }
        return redisAppendCommandArgv(pointer, argc, argv, lengths) == REDIS_OK
    }

    /// Flushes the output buffer (first call) and reads one reply, copying it into Swift
    /// memory and freeing the C reply at once. Returns `nil` on an I/O or protocol error,
    /// with `errno` of the failing call in `savedErrno`.
    @available(*, noasync, message: "blocks the thread; run on the connection thread")
    func readReply(savedErrno: inout Int32) -> RESPValue? {
        guard let pointer else { return nil }
        var raw: UnsafeMutableRawPointer?
        let status = redisGetReply(pointer, &raw)
        guard status == REDIS_OK, let raw else {
            savedErrno = errno
            return nil
        }
        defer { freeReplyObject(raw) }
        return Self.value(of: raw.assumingMemoryBound(to: redisReply.self))
    }

    private static func value(of reply: UnsafePointer<redisReply>) -> RESPValue {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            return .bulkString(bytes(r))
        case REDIS_REPLY_STATUS:
            return .simpleString(String(decoding: bytes(r), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(r), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            guard let elements = r.element else { return .array([]) }
            var values: [RESPValue] = []
            values.reserveCapacity(r.elements)
            for index in 0..<r.elements {
                if let element = elements[index] {
                    values.append(value(of: element))
                } else {
                    values.append(.null)
                }
            }
            return .array(values)
        default:
            // REDIS_REPLY_NIL (RESP2 has no other kinds).
            return .null
        }
    }

    private static func bytes(_ reply: redisReply) -> [UInt8] {
        guard let str = reply.str, reply.len > 0 else { return [] }
        return UnsafeRawBufferPointer(start: str, count: reply.len).withMemoryRebound(to: UInt8.self) {
            Array($0)
        }
    }
}

/// A `timeval` for hiredis' timeouts. Zero means "no timeout" to the socket options hiredis sets.
func makeTimeval(_ duration: Duration) -> timeval {
    let (seconds, attoseconds) = duration.components
    guard seconds >= 0, attoseconds >= 0 else { return timeval(tv_sec: 0, tv_usec: 1) }
    return timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
}
