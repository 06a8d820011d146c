import FoundationEssentials
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `redis-server` that `gantry dev` runs when GANTRY_REDIS_URL is not set: loopback only, data in
/// `<data-dir>/redis` with the append-only file fsynced every second (as in production), stopped with SIGTERM
/// (Redis then flushes the AOF and exits).
struct EmbeddedRedis: Service {
    static let defaultPort = 6390

    let port: Int
    let directory: String
    let process: SupervisedProcess
    let logger: Logger

    var url: String { "redis://127.0.0.1:\(port)/0" }

    /// Finds redis-server, creates the directory, stops a server an earlier run left behind, and picks the port
    /// (`preferredPort`, or a free one when it is busy).
    static func prepare(dataDirectory: String, preferredPort: Int?, logger: Logger) async throws -> EmbeddedRedis {
        let executable = try ServerPrograms.redisServer()
        let directory = dataDirectory + "/redis"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DevError(.dataDirectory, "cannot create \(directory): \(error)")
        }
        let pidFile = directory + "/redis.pid"
        await ServerPrograms.stopLeftover(pidFile: pidFile, programName: "redis-server", signal: SIGTERM) {
            logger.notice("\($0)")
        }
        let wanted = preferredPort ?? defaultPort
        let port = try LocalPorts.choose(preferred: wanted)
        if port != wanted { logger.notice("port \(wanted) is busy; Redis listens on \(port)") }
        let arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--protected-mode", "yes", "--daemonize", "no",
            "--dir", directory, "--pidfile", pidFile,
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
        ]
        let process = SupervisedProcess(
            name: "redis-server", executable: executable, arguments: arguments, workingDirectory: directory,
            user: nil, logFile: dataDirectory + "/redis.log", stopSignal: .terminate)
        return EmbeddedRedis(port: port, directory: directory, process: process, logger: logger)
    }

    func run() async throws {
        try await process.run(logger: logger)
    }

    /// Returns once the server answers PING (after it has loaded its AOF); throws after `timeout`.
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !LocalPorts.redisAnswersPing(port) {
            guard ContinuousClock.now < deadline else {
                throw DevError(.notReady, "redis-server did not answer on port \(port) within \(timeout); "
                    + "see \(process.logFile)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
