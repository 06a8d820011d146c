import Foundation
import GantryErrors
import GantryLocalServers
import Synchronization

/// The real servers integration tests talk to.
///
/// `GANTRY_TEST_REDIS_URL` and `GANTRY_TEST_DATABASE_URL` name servers of your own. Without them (the usual case,
/// `ops/test` included) the first call starts a throwaway server through GantryLocalServers, once per test
/// process, which is stopped when the process exits and dies with it however it ends.
/// When servers can be neither found nor started the calls throw, and with `CI` set the message says the run must
/// fail: integration tests never skip silently.
///
/// Tests share these servers and run in parallel, so each test isolates itself with `uniquePrefix(_:)` in its
/// queue names, keys and schemas.
public enum TestServers {
    /// The Redis URL for tests: `GANTRY_TEST_REDIS_URL`, or a server started for this process.
    public static func redisURL() throws -> String {
        try redis.url()
    }

    /// The PostgreSQL URL for tests: `GANTRY_TEST_DATABASE_URL`, or a cluster started for this process.
    public static func databaseURL() throws -> String {
        try postgres.url()
    }

    /// Whether integration tests should run: servers are configured, or can be started here, or `CI` is set
    /// (then they run and fail loudly if the servers are missing). Use as
    /// `@Suite(.enabled(if: TestServers.areAvailable))` to skip only on a developer machine without servers.
    public static var areAvailable: Bool {
        isCI || (redis.isAvailable && postgres.isAvailable)
    }

    /// Whether tests that need Redis only should run (see `areAvailable`).
    public static var isRedisAvailable: Bool { isCI || redis.isAvailable }

    /// Whether tests that start dedicated Redis servers (`TestRedisServer`) should run: redis-server is installed,
    /// even when a shared URL is configured, or `CI` is set.
    public static var canStartRedis: Bool { isCI || redis.isInstalled }

    /// Whether this is a CI run (`CI` set and not "false"/"0").
    public static var isCI: Bool {
        guard let value = environment("CI") else { return false }
        return value != "false" && value != "0"
    }

    /// A name no other test in this run uses, for Redis key prefixes, queue names and PostgreSQL schemas:
    /// lower-case letters, digits and `_`, starting with a letter, at most 63 characters (PostgreSQL's limit).
    /// `uniquePrefix("lease expiry")` -> `t_lease_expiry_4821_7_k3f9`.
    public static func uniquePrefix(_ name: String) -> String {
        let cleaned = String(name.lowercased().unicodeScalars.map { scalar -> Character in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
        })
        let sequence = counter.withLock { value -> Int in
            value += 1
            return value
        }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let random = String((0..<4).map { _ in alphabet.randomElement()! })
        let suffix = "_\(getpid())_\(sequence)_\(random)"
        return "t_" + String(cleaned.prefix(63 - 2 - suffix.count)) + suffix
    }

    // MARK: - Shared servers

    private static let redis = SharedServer(
        what: "redis-server", variable: "GANTRY_TEST_REDIS_URL",
        installed: { (try? ServerPrograms.redisServer()) != nil },
        start: { try TestRedisServer.start() })

    private static let postgres = SharedServer(
        what: "PostgreSQL", variable: "GANTRY_TEST_DATABASE_URL",
        installed: { (try? ServerPrograms.postgresBinDirectory()) != nil },
        start: { try TestPostgresServer.start() })

    private static let counter = Mutex(0)

    fileprivate static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// One kind of server the tests of a process share: the configured URL, else one started on first use (and
/// kept, or its failure kept, for the rest of the process).
private final class SharedServer<Server: StoppableTestServer & URLServer>: Sendable {
    private let what: String
    private let variable: String
    private let installed: @Sendable () -> Bool
    private let start: @Sendable () throws -> Server
    private let state = Mutex<Result<Server, TestServerError>?>(nil)

    init(what: String, variable: String, installed: @escaping @Sendable () -> Bool,
         start: @escaping @Sendable () throws -> Server) {
        self.what = what
        self.variable = variable
        self.installed = installed
        self.start = start
    }

    var isAvailable: Bool { TestServers.environment(variable) != nil || installed() }

    var isInstalled: Bool { installed() }

    func url() throws -> String {
        if let configured = TestServers.environment(variable) { return configured }
        return try state.withLock { state in
            if state == nil {
                state = Result { try start() }.mapError(unavailable)
            }
            return try state!.get().url
        }
    }

    private func unavailable(_ error: any Error) -> TestServerError {
        let cause = (error as? LocalServerError)?.description ?? String(describing: error)
        let code: ErrorCode<TestServerError> =
            (error as? LocalServerError)?.code == .programMissing ? .binaryMissing : .startFailed
        if TestServers.isCI {
            return TestServerError(code, "CI is set and no \(what) is available, so this run fails rather than "
                + "skip: \(cause). Install it, or run the suite with ops/test, which installs it.")
        }
        return TestServerError(code, "no \(what) for the integration tests: \(cause). "
            + "Install it (ops/test does), or set \(variable).")
    }
}

/// A test server with a client URL.
protocol URLServer {
    var url: String { get }
}

extension TestRedisServer: URLServer {}
extension TestPostgresServer: URLServer {}
