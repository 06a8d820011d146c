import Foundation
import GantryRedis
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real redis-server processes for these tests: one shared server (or the one named by
/// `GANTRY_TEST_REDIS_URL`) plus dedicated ones for tests that restart or configure a server.
/// Every spawned server is killed when the test process exits.
/// Small and local on purpose; the shared GantryTesting target may replace it.
enum TestRedis {
    /// Tests run when a server can be had, and also whenever `CI` is set, so that a CI machine
    /// without redis-server fails loudly instead of skipping.
    static let isEnabled: Bool =
        environment("GANTRY_TEST_REDIS_URL") != nil || executable != nil || environment("CI") != nil

    /// Dedicated servers need the binary even when a shared URL is given.
    static let canSpawn: Bool = executable != nil || environment("CI") != nil

    static let executable: String? = {
        let path = environment("PATH") ?? "/usr/bin:/usr/local/bin"
        let candidates = path.split(separator: ":").map { "\($0)/redis-server" } + ["/usr/bin/redis-server"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The shared server's configuration, started on first use.
    static func configuration() async throws -> RedisConfiguration {
        try await shared.value
    }

    /// A new connection to the shared server.
    static func connect() async throws -> RedisConnection {
        try await RedisConnection.connect(configuration: configuration())
    }

    /// A key prefix unique to one test, so tests can share a server and run in parallel.
    static func uniquePrefix() -> String {
        "gantry-redis-test:\(UUID().uuidString):"
    }

    /// Deletes every key under `prefix`, so a shared server (`GANTRY_TEST_REDIS_URL`) does not fill up.
    static func deleteKeys(prefix: String, on connection: RedisConnection) async throws {
        let script = RedisScript(
            "local keys = redis.call('KEYS', ARGV[1] .. '*') for i = 1, #keys, 1000 do "
                + "redis.call('DEL', unpack(keys, i, math.min(i + 999, #keys))) end return #keys")
        _ = try await connection.run(script, keys: [], arguments: [RedisArgument(prefix)])
    }

    private static let shared = Task<RedisConfiguration, any Error> {
        if let url = environment("GANTRY_TEST_REDIS_URL") {
            return try RedisConfiguration(url: url)
        }
        return try await RedisServerProcess.start().configuration
    }

    static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name]
    }
}

struct TestRedisError: Error, CustomStringConvertible {
    var description: String
}

/// One spawned redis-server, on its own port and temporary directory.
struct RedisServerProcess: Sendable {
    let port: Int
    let extraArguments: [String]
    let directory: String
    let pid: Int32

    var configuration: RedisConfiguration {
        RedisConfiguration(port: port, connectTimeout: .seconds(2), commandTimeout: .seconds(5))
    }

    /// Starts a server on `port` (a free one if nil) and waits until it accepts connections.
    static func start(port: Int? = nil, extraArguments: [String] = [], directory: String? = nil) async throws -> RedisServerProcess {
        guard let executable = TestRedis.executable else {
            throw TestRedisError(description: "redis-server not found: install it (apt-get install redis-server) or set GANTRY_TEST_REDIS_URL")
        }
        let port = try port ?? freePort()
        let directory = directory ?? {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-redis-\(UUID().uuidString)").path
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory,
        ] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = RedisServerProcess(
            port: port, extraArguments: extraArguments, directory: directory, pid: process.processIdentifier)
        registry.withLock { $0[server.pid] = directory }
        _ = registerCleanup
        // Wait, with a bound, until it listens.
        for _ in 0..<500 {
            if isListening(port: port) { return server }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        server.kill()
        throw TestRedisError(description: "redis-server on port \(port) did not start")
    }

    /// Kills the server (SIGKILL, as a crash would) and waits until its port refuses connections.
    func stop() async throws {
        kill()
        for _ in 0..<500 {
            if !Self.isListening(port: port) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestRedisError(description: "redis-server on port \(port) did not stop")
    }

    /// A new server on the same port and directory, as after a restart.
    func restarted() async throws -> RedisServerProcess {
        try await Self.start(port: port, extraArguments: extraArguments, directory: directory)
    }

    private func kill() {
        _ = Glibc.kill(pid, SIGKILL)
        _ = Self.registry.withLock { $0.removeValue(forKey: pid) }
    }

    // MARK: Process-wide cleanup

    /// pid -> data directory of every server still running.
    private static let registry = Mutex<[Int32: String]>([:])

    private static let registerCleanup: Void = {
        atexit {
            for (pid, directory) in RedisServerProcess.registry.withLock({ $0 }) {
                _ = Glibc.kill(pid, SIGKILL)
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
    }()

    // MARK: Sockets

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestRedisError(description: "socket() failed") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestRedisError(description: "bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func isListening(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
