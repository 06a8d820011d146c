import GantryPostgres
import Testing

/// A test trait: each test of a suite with it gets a PostgreSQL database of its own on the test
/// server, prepared by `prepare` (a schema migration, say) and dropped when the test ends, also
/// when it fails, so a run leaves no database behind.
///
/// A database per test, not per suite: several suites count rows across their whole database.
public struct ThrowawayDatabase: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }
    /// The start of each database's name, to tell whose it was in a server's list.
    public let prefix: String
    public let prepare: @Sendable (PostgresConnection) async throws -> Void

    /// The pool of the running test's database.
    @TaskLocal public static var current: PostgresConnectionPool?

    public init(prefix: String, prepare: @escaping @Sendable (PostgresConnection) async throws -> Void) {
        self.prefix = prefix
        self.prepare = prepare
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard !test.isSuite else { return try await function() }
        let name = TestServers.uniquePrefix(prefix).lowercased()
        try await Self.admin { try await $0.execute(unsafeSQL: "CREATE DATABASE \(name)") }
        var configuration = try PostgresConfiguration(url: try TestServers.databaseURL())
        configuration.database = name
        let pool = PostgresConnectionPool(configuration: configuration, size: 4)
        let outcome: Result<Void, any Error>
        do {
            try await pool.withConnection { try await prepare($0) }
            try await Self.$current.withValue(pool) { try await function() }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await pool.close()
        try await Self.admin { try await $0.execute(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        try outcome.get()
    }

    /// The running test's database; fails the test when its suite lacks the trait.
    public static func pool() throws -> PostgresConnectionPool {
        try #require(current, "the suite needs a ThrowawayDatabase trait")
    }

    static func admin(_ body: (PostgresConnection) async throws -> Void) async throws {
        let admin = try await PostgresConnection.connect(configuration: try PostgresConfiguration(url: try TestServers.databaseURL()))
        defer { admin.close() }
        try await body(admin)
    }
}
