#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import GantryThreads
import Logging
import ServiceLifecycle
import Synchronization

/// A tiny HTTP/1.1 server for `GET /metrics` (Prometheus text) and `GET /healthz`, for the worker
/// and the coordinator: one blocking accept loop on a thread of its own, one request per
/// connection, no event loop.
///
/// Why not Hummingbird or NIO: a worker's idle private memory budget is 3 MB, and event-loop
/// threads with their buffers would spend a good part of it to answer one scrape every few seconds
/// (README, "Metrics", has the measurements). A scrape renders on the cooperative pool (the render
/// may read Redis) while the listener's own thread waits for it; scrapes are answered one at a
/// time, as Prometheus sends them.
public final class MetricsListener: Service, Sendable {
    public let host: String
    private let requestedPort: Int
    private let logger: Logger
    private let render: @Sendable () async -> [UInt8]

    private struct State {
        var fd: Int32?
        var port: Int?
        /// Whether the accept loop owns the socket (and closes it when it ends).
        var looping = false
        var stopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// Serves `render()`'s bytes at `/metrics`. Port 0 takes any free port (`port` says which once bound).
    public init(host: String = "127.0.0.1", port: Int, logger: Logger, render: @escaping @Sendable () async -> [UInt8]) {
        self.host = host
        self.requestedPort = port
        self.logger = logger
        self.render = render
    }

    /// The port it listens on, once bound.
    public var port: Int? { state.withLock { $0.port } }

    /// Binds and listens now, so that a busy or bad address fails the process at start. `run()`
    /// binds by itself when this was not called.
    @discardableResult
    public func bind() throws(MetricsListenerError) -> Int {
        if let port { return port }
        let fd = try Self.listen(host: host, port: requestedPort)
        let port = Self.localPort(fd) ?? requestedPort
        let stale = state.withLock { s -> Bool in
            guard !s.stopped, s.fd == nil else { return true }
            s.fd = fd
            s.port = port
            return false
        }
        if stale {
            close(fd)
            throw MetricsListenerError(.cannotListen, "stopped or bound already", address: "\(host):\(requestedPort)")
        }
        return port
    }

    /// Serves until graceful shutdown or cancellation, then stops.
    public func run() async throws {
        let port = try bind()
        let fd: Int32? = state.withLock { s in
            guard let fd = s.fd, !s.looping, !s.stopped else { return nil }
            s.looping = true
            return fd
        }
        guard let fd else { return }
        logger.info("serving /metrics and /healthz", metadata: ["address": "\(host):\(port)"])
        OSThread.detach(name: "gantry-metrics") { self.acceptLoop(fd) }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await self.waitForStop()
            } onCancel: {
                self.stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Stops serving: `shutdown` wakes the blocked `accept`, and the loop closes the socket.
    public func stop() {
        let (fd, looping, waiters) = state.withLock { s in
            if s.stopped { return (Int32?.none, true, [CheckedContinuation<Void, Never>]()) }
            s.stopped = true
            defer {
                s.fd = nil
                s.waiters = []
            }
            return (s.fd, s.looping, s.waiters)
        }
        if let fd {
            _ = shutdown(fd, Int32(SHUT_RDWR))
            if !looping { close(fd) }
        }
        for w in waiters { w.resume() }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func waitForStop() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s in
                if s.stopped { return true }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    // MARK: The listener's thread

    @available(*, noasync, message: "blocks the thread; runs on the listener's own")
    private func acceptLoop(_ fd: Int32) {
        defer { close(fd) }
        while true {
            let client = accept(fd, nil, nil)
            if client >= 0 { _ = fcntl(client, F_SETFD, FD_CLOEXEC) }
            if client < 0 {
                let error = errno
                if isStopped { return }
                switch error {
                case EINTR, ECONNABORTED, EAGAIN: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory for now: back off rather than spin, and try again.
                    usleep(100_000)
                    continue
                default:
                    logger.error("the metrics listener stopped", metadata: ["errno": "\(error)"])
                    return
                }
            }
            serve(client)
        }
    }

    @available(*, noasync, message: "blocks the thread; runs on the listener's own")
    private func serve(_ client: Int32) {
        defer { close(client) }
        // A client that stalls must not hold the one listener thread for ever.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let head = Self.readHead(client) else { return }
        let response: [UInt8]
        switch HTTPRequestLine(head) {
        case .some(let line) where line.method != "GET" && line.method != "HEAD":
            response = Self.response(405, "Method Not Allowed", "text/plain; charset=utf-8", Array("GET only\n".utf8), extra: "Allow: GET, HEAD\r\n")
        case .some(let line) where line.path == "/metrics":
            let body = renderNow()
            response = Self.response(200, "OK", PrometheusText.contentType, line.method == "HEAD" ? [] : body, length: body.count)
        case .some(let line) where line.path == "/healthz":
            response = Self.response(200, "OK", "text/plain; charset=utf-8", line.method == "HEAD" ? [] : Array("ok\n".utf8), length: 3)
        case .some:
            response = Self.response(404, "Not Found", "text/plain; charset=utf-8", Array("try /metrics or /healthz\n".utf8))
        case .none:
            response = Self.response(400, "Bad Request", "text/plain; charset=utf-8", Array("bad request\n".utf8))
        }
        Self.writeAll(client, response)
    }

    /// Runs the (async) render on the cooperative pool and waits for it on this thread.
    @available(*, noasync, message: "blocks the thread; runs on the listener's own")
    private func renderNow() -> [UInt8] {
        let result = Mutex<[UInt8]>([])
        let done = DispatchSemaphore(value: 0)
        let render = self.render
        Task {
            let bytes = await render()
            result.withLock { $0 = bytes }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }
}
