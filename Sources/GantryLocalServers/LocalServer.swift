import FoundationEssentials
import Glibc

/// A server on 127.0.0.1 that this process starts and stops: `LocalRedis` or `LocalPostgres`.
///
/// Both run in the foreground as our child (never daemonised, never through `pg_ctl start`), in a session of
/// their own, their output appended to `logFile`; `launch()` only spawns, `start()` also waits (bounded) until
/// the server answers.
public protocol LocalServer: AnyObject, Sendable {
    /// For messages: `redis-server`, `postgres`.
    var name: String { get }
    var port: Int { get }
    /// How a client reaches it, e.g. `redis://127.0.0.1:6390/0`.
    var url: String { get }
    var logFile: String { get }
    /// The signal on which it shuts down cleanly and quickly (Redis: SIGTERM; PostgreSQL: SIGINT, a fast shutdown).
    var stopSignal: Int32 { get }
    /// The server process of the latest launch, running or not; nil before the first.
    var process: ChildProcess? { get }
    /// Spawns the server and returns at once.
    func launch() throws
    /// Whether it answers clients now.
    func answers() -> Bool
    /// Asks it to shut down cleanly and waits until it has (SIGKILL when it takes too long).
    func stop()
}

extension LocalServer {
    /// The stop signal, SIGKILL when the server is still running ten seconds later; returns once it has gone.
    public func stop() {
        process?.stop(with: stopSignal, grace: .seconds(10))
    }

    /// Whether the server process is running.
    public var isRunning: Bool { process?.isRunning ?? false }

    /// Launches the server and blocks until it answers; stops it and throws when it exits first or does not
    /// answer within `timeout`.
    public func start(timeout: Duration = .seconds(60)) throws {
        try launch()
        let answered = Poll.blocking(timeout: timeout) { answers() || !isRunning }
        guard answered, isRunning else {
            process?.stop(with: SIGKILL, grace: .seconds(5))
            throw notAnswering(timeout: timeout)
        }
    }

    /// Returns once the launched server answers; throws when it exits first or does not answer within `timeout`.
    public func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !answers() {
            // Not launched yet counts as starting, not as exited: `gantry dev` launches a server in one
            // service and waits for it in another, and the two start together.
            let exited = process != nil && !isRunning
            guard !exited, ContinuousClock.now < deadline else { throw notAnswering(timeout: timeout) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The last lines of the server's log, for error messages.
    public func logTail(lines: Int = 15) -> String {
        guard let data = FileManager.default.contents(atPath: logFile) else { return "(no log at \(logFile))" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// The server's whole log, to check afterwards what it went through (AOF loads, crash recovery).
    public var logText: String {
        // Decoded leniently: a client's statement quoted in the log may hold bytes that are not UTF-8.
        String(decoding: FileManager.default.contents(atPath: logFile) ?? Data(), as: UTF8.self)
    }

    private func notAnswering(timeout: Duration) -> LocalServerError {
        let what = isRunning ? "did not answer on port \(port) within \(timeout)"
            : "exited before it answered on port \(port) (\(process?.exitStatus?.description ?? "not started"))"
        return LocalServerError(isRunning ? .notReady : .startFailed, "\(name) \(what):\n" + logTail(),
                                program: name, logFile: logFile)
    }

    /// Creates a server on a free port with `make` and starts it, up to `attempts` times: another process can take
    /// the port between our probe and the server's bind.
    public static func startOnFreePort(attempts: Int = 3, _ make: (Int) throws -> Self) throws -> Self {
        var lastError: (any Error)?
        for _ in 0..<attempts {
            let server = try make(try LoopbackPort.free())
            do {
                try server.start()
                return server
            } catch {
                lastError = error
            }
        }
        throw lastError ?? LocalServerError(.startFailed, "could not start on a free port")
    }
}
