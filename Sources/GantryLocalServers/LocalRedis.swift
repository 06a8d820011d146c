import FoundationEssentials
import Glibc
import Synchronization

/// A `redis-server` on 127.0.0.1, in the foreground as our child: `gantry dev`'s (AOF fsynced every second, as
/// in production) and the tests' (no persistence, or an AOF for crash tests). `stop()` is SIGTERM, on which
/// Redis flushes its AOF and exits.
public final class LocalRedis: LocalServer {
    public struct Configuration: Sendable {
        /// Its working directory (`--dir`): the AOF files. Created when missing.
        public var directory: String
        public var port: Int
        public var logFile: String
        /// Nil: no persistence at all. Else an append-only file fsynced as it says.
        public var appendOnly: AppendFsync?
        /// Where Redis writes its pid, so a later run can find a server this one left behind.
        public var pidFile: String?
        /// More `redis-server` arguments (`--requirepass x`).
        public var extraArguments: [String]
        public var lifetime: ServerLifetime

        public init(directory: String, port: Int, logFile: String? = nil, appendOnly: AppendFsync? = nil,
                    pidFile: String? = nil, extraArguments: [String] = [], lifetime: ServerLifetime) {
            self.directory = directory
            self.port = port
            self.logFile = logFile ?? directory + "/redis.log"
            self.appendOnly = appendOnly
            self.pidFile = pidFile
            self.extraArguments = extraArguments
            self.lifetime = lifetime
        }
    }

    /// Redis' `appendfsync` policies.
    public enum AppendFsync: String, Sendable {
        /// Every write is on disk before Redis answers: a SIGKILL loses nothing acknowledged.
        case always
        /// Production's setting: a crash can lose about the last second.
        case everysec
        /// The OS decides.
        case no
    }

    public let configuration: Configuration
    public let name = "redis-server"
    /// SIGTERM: Redis flushes the AOF and exits.
    public let stopSignal = SIGTERM
    public var port: Int { configuration.port }
    public var logFile: String { configuration.logFile }
    /// `redis://127.0.0.1:PORT/0`
    public var url: String { "redis://127.0.0.1:\(port)/0" }
    private let executable: String
    private let current = Mutex<ChildProcess?>(nil)

    /// Finds redis-server; starts nothing.
    public init(_ configuration: Configuration) throws {
        self.configuration = configuration
        executable = try ServerPrograms.redisServer()
    }

    public var process: ChildProcess? { current.withLock { $0 } }

    public func launch() throws {
        do {
            try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        } catch {
            throw LocalServerError(.dataDirectory, "cannot create \(configuration.directory): \(error)")
        }
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--protected-mode", "yes", "--daemonize", "no",
            "--dir", configuration.directory, "--save", "",
        ]
        if let pidFile = configuration.pidFile { arguments += ["--pidfile", pidFile] }
        if let fsync = configuration.appendOnly {
            arguments += ["--appendonly", "yes", "--appendfsync", fsync.rawValue]
        } else {
            arguments += ["--appendonly", "no"]
        }
        let child = try Spawn.start(name, executable, arguments + configuration.extraArguments, options: SpawnOptions(
            workingDirectory: configuration.directory, logFile: logFile, lifetime: configuration.lifetime))
        current.withLock { $0 = child }
    }

    public func answers() -> Bool { LoopbackPort.redisAnswersPing(port) }

    /// SIGKILL: the server dies at once, as in a crash; `start()` brings it back on the same port and directory.
    public func kill() {
        process?.stop(with: SIGKILL, grace: .seconds(10))
    }
}
