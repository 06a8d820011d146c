import Foundation
import GantryPostgres
import GantryTesting
import Logging

/// The PostgreSQL these tests run against: the shared server of GantryTesting's `TestServers`
/// (`GANTRY_TEST_DATABASE_URL`, or a throwaway cluster started for the test process), and, for the
/// wrong-password test, a dedicated cluster whose TCP connections must present a password. Missing binaries fail
/// the run: never a skip.
enum TestPostgres {
    struct Server: Sendable {
        let configuration: PostgresConfiguration
        /// Whether TCP connections must present the right password.
        let requiresPassword: Bool
        /// The dedicated server, kept alive as long as this value (the shared one lives for the process).
        var dedicated: TestPostgresServer? = nil
    }

    /// Started on first use and kept for the test process (it stops at exit, and dies with the process).
    private static let passwordServer = Task<Server, any Error> {
        let password = "pw-" + UUID().uuidString
        let server = try TestPostgresServer.start(password: password)
        var configuration = try PostgresConfiguration(url: server.url)
        configuration.password = password
        return Server(configuration: configuration, requiresPassword: true, dedicated: server)
    }

    static var logger: Logger {
        var logger = Logger(label: "gantry.postgres.tests")
        logger.logLevel = .info
        return logger
    }

    static func configuration() async throws -> PostgresConfiguration {
        try PostgresConfiguration(url: TestServers.databaseURL())
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
}
