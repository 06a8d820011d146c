import Foundation
import GantryPostgres
import Logging
import Synchronization

/// The PostgreSQL 15 server these tests run against.
///
/// `GANTRY_TEST_DATABASE_URL` wins when set. Otherwise one cluster is started per test process with
/// `initdb` + `pg_ctl start --wait` in a temp dir (as the `postgres` user when running as root, since initdb
/// refuses root), with scram-sha-256 password auth over TCP so the wrong-password test has something to
/// fail against, and stopped at exit. Missing binaries fail the run, with or without `CI`: never a skip.
enum TestPostgres {
    struct Server: Sendable {
        let configuration: PostgresConfiguration
        /// Whether TCP connections must present the right password (true for clusters started here).
        let requiresPassword: Bool
    }

    static let binDirectory = ProcessInfo.processInfo.environment["GANTRY_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

    private static let sharedServer = Task<Server, any Error> {
        if let url = ProcessInfo.processInfo.environment["GANTRY_TEST_DATABASE_URL"], !url.isEmpty {
            return Server(configuration: try PostgresConfiguration(url: url), requiresPassword: false)
        }
        return try await startCluster()
    }

    private static let passwordServer = Task<Server, any Error> {
        let shared = try await sharedServer.value
        return shared.requiresPassword ? shared : try await startCluster()
    }

    static var logger: Logger {
        var logger = Logger(label: "gantry.postgres.tests")
        logger.logLevel = .info
        return logger
    }

    static func configuration() async throws -> PostgresConfiguration {
        try await sharedServer.value.configuration
    }

    /// A server that rejects wrong passwords over TCP.
    static func serverRequiringPassword() async throws -> Server {
        try await passwordServer.value
    }

    static func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: configuration(), logger: logger)
    }

    /// A name no other test (or earlier run) uses, for schemas, tables and channels.
    static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    // MARK: Starting a cluster

    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    private static let dataDirectories = Mutex<[String]>([])

    private static func startCluster() async throws -> Server {
        try await runOnThread { try startClusterBlocking() }
    }

    /// Runs blocking setup on its own thread, never on the cooperative pool.
    private static func runOnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    private static func startClusterBlocking() throws -> Server {
        let initdb = binDirectory + "/initdb"
        guard FileManager.default.isExecutableFile(atPath: initdb) else {
            throw SetupError(
                description: """
                    PostgreSQL 15 not found at \(binDirectory) and GANTRY_TEST_DATABASE_URL is not set: \
                    install postgresql-15 (or point GANTRY_PG_BIN at its bin directory)
                    """)
        }
        let runAsPostgres = getuid() == 0
        var template = Array("/tmp/gantry-pgtest-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw SetupError(description: "mkdtemp failed") }
        let root = String(cString: created)
        let data = root + "/data"
        let password = "pw-" + UUID().uuidString
        try password.write(toFile: root + "/pwfile", atomically: false, encoding: .utf8)
        if runAsPostgres {
            try run("/usr/bin/chown", ["-R", "postgres", root])
        }
        func pg(_ tool: String, _ arguments: [String]) throws {
            if runAsPostgres {
                try run("/usr/sbin/runuser", ["-u", "postgres", "--", binDirectory + "/" + tool] + arguments)
            } else {
                try run(binDirectory + "/" + tool, arguments)
            }
        }
        try pg("initdb", [
            "-D", data, "-U", "gantry", "--pwfile=\(root)/pwfile", "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync",
        ])
        dataDirectories.withLock { $0.append(root) }
        registerCleanup()

        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try freePort()
            do {
                try pg("pg_ctl", [
                    "-D", data, "-l", root + "/log", "-w", "-t", "60", "start", "-o",
                    "-p \(port) -k \(root) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                ])
                try pg("createdb", ["-h", root, "-p", String(port), "-U", "gantry", "gantry_test"])
                let configuration = PostgresConfiguration(
                    host: "127.0.0.1", port: port, user: "gantry", password: password, database: "gantry_test")
                return Server(configuration: configuration, requiresPassword: true)
            } catch {
                lastError = error
                try? pg("pg_ctl", ["-D", data, "-m", "immediate", "stop"])
            }
        }
        let log = (try? String(contentsOfFile: root + "/log", encoding: .utf8)) ?? ""
        throw SetupError(description: "could not start PostgreSQL: \(lastError.map { "\($0)" } ?? "?")\n\(log)")
    }

    /// Runs a command and waits for it. Not Foundation's `Process`: it learns of the child's exit through a
    /// descriptor that `pg_ctl start` hands down to the daemonised postmaster, so it would wait forever.
    private static func run(_ executable: String, _ arguments: [String]) throws {
        func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let outputFile = NSTemporaryDirectory() + "gantry-pgtest-cmd-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: outputFile) }
        let command = ([executable] + arguments).map(quote).joined(separator: " ")
        let status = system("\(command) </dev/null >\(quote(outputFile)) 2>&1")
        guard status == 0 else {
            let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
            throw SetupError(description: "\(command) failed (status \(status)):\n\(output)")
        }
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SetupError(description: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw SetupError(description: "could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static let cleanupRegistered = Mutex(false)

    private static func registerCleanup() {
        let first = cleanupRegistered.withLock { registered in
            defer { registered = true }
            return !registered
        }
        guard first else { return }
        atexit {
            let roots = TestPostgres.dataDirectories.withLock { $0 }
            let asPostgres = getuid() == 0 ? "/usr/sbin/runuser -u postgres -- " : ""
            for root in roots {
                _ = system("\(asPostgres)\(TestPostgres.binDirectory)/pg_ctl -D '\(root)/data' -m immediate stop >/dev/null 2>&1")
                // Keep the last server log for post-mortems; the cluster itself goes.
                _ = system("cp '\(root)/log' /tmp/gantry-pgtest-last.log 2>/dev/null; rm -rf '\(root)'")
            }
        }
    }
}
