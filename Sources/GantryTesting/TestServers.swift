import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real servers integration tests talk to.
///
/// `ops/test` starts one redis-server and one PostgreSQL for the whole run and passes them in
/// `GANTRY_TEST_REDIS_URL` and `GANTRY_TEST_DATABASE_URL`. Without those (say `swift test --filter X` from an
/// editor) the first call starts servers of its own, once per process, and stops them when the process exits.
/// When servers can be neither found nor started the calls throw, and with `CI` set the message says the run must
/// fail: integration tests never skip silently.
///
/// Tests share these servers and run in parallel, so each test isolates itself with `uniquePrefix(_:)` in its
/// queue names, keys and schemas.
public enum TestServers {
    /// The Redis URL for tests: `GANTRY_TEST_REDIS_URL`, or a server started for this process.
    public static func redisURL() throws -> String {
        if let url = environment("GANTRY_TEST_REDIS_URL") { return url }
        return try shared.withLock { shared in
            if let server = shared.redis { return server.url }
            if let error = shared.redisError { throw error }
            do {
                let server = try TestRedisServer.start()
                registerExitCleanup(&shared)
                shared.redis = server
                return server.url
            } catch {
                let failure = unavailable("redis-server", error)
                shared.redisError = failure
                throw failure
            }
        }
    }

    /// The PostgreSQL URL for tests: `GANTRY_TEST_DATABASE_URL`, or a cluster started for this process.
    public static func databaseURL() throws -> String {
        if let url = environment("GANTRY_TEST_DATABASE_URL") { return url }
        return try shared.withLock { shared in
            if let server = shared.postgres { return server.url }
            if let error = shared.postgresError { throw error }
            do {
                let server = try TestPostgresServer.start()
                registerExitCleanup(&shared)
                shared.postgres = server
                return server.url
            } catch {
                let failure = unavailable("PostgreSQL", error)
                shared.postgresError = failure
                throw failure
            }
        }
    }

    /// Whether integration tests should run: servers are configured, or can be started here, or `CI` is set
    /// (then they run and fail loudly if the servers are missing). Use as
    /// `@Suite(.enabled(if: TestServers.areAvailable))` to skip only on a developer machine without servers.
    public static var areAvailable: Bool {
        if isCI { return true }
        let redis = environment("GANTRY_TEST_REDIS_URL") != nil || ServerTools.findExecutable("redis-server") != nil
        let postgres = environment("GANTRY_TEST_DATABASE_URL") != nil || (try? ServerTools.postgresBinDirectory()) != nil
        return redis && postgres
    }

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

    private struct Shared: ~Copyable {
        var redis: TestRedisServer?
        var postgres: TestPostgresServer?
        var redisError: TestServerError?
        var postgresError: TestServerError?
        var cleanupRegistered = false
    }

    private static let shared = Mutex(Shared())
    private static let counter = Mutex(0)

    private static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    private static func unavailable(_ what: String, _ error: any Error) -> TestServerError {
        let code = (error as? TestServerError)?.code ?? .startFailed
        let cause = (error as? TestServerError)?.message ?? String(describing: error)
        if isCI {
            return TestServerError(code, "CI is set and no \(what) is available, so this run fails rather than "
                + "skip: \(cause). Run the suite with ops/test, which starts the servers.")
        }
        return TestServerError(code, "no \(what) for the integration tests: \(cause). "
            + "Run ops/test, or set GANTRY_TEST_REDIS_URL / GANTRY_TEST_DATABASE_URL.")
    }

    private static func registerExitCleanup(_ shared: inout Shared) {
        guard !shared.cleanupRegistered else { return }
        shared.cleanupRegistered = true
        atexit {
            TestServers.stopSharedServers()
        }
    }

    /// Runs at process exit: the servers this process started go with it.
    private static func stopSharedServers() {
        let (redis, postgres) = shared.withLock { shared -> (TestRedisServer?, TestPostgresServer?) in
            defer {
                shared.redis = nil
                shared.postgres = nil
            }
            return (shared.redis, shared.postgres)
        }
        redis?.stop()
        postgres?.stop()
    }
}
