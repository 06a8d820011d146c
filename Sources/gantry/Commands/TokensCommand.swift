import ArgumentParser
import FoundationEssentials
import GantryCore
import GantryPostgres
import GantryPostgresStore
import Logging

/// `gantry tokens`: the API's bearer tokens, managed directly in PostgreSQL, because the first token has to exist
/// before any API can check one.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke API tokens (directly in PostgreSQL).",
        discussion: """
            Reads GANTRY_DATABASE_URL (or --database-url), else the database of a local `gantry dev`. A token is \
            shown once, when it is created, and stored only as its SHA-256.
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    /// The database flags every `tokens` subcommand takes.
    struct DatabaseOptions: ParsableArguments {
        @Option(name: .customLong("database-url"), help: "PostgreSQL URL (default: GANTRY_DATABASE_URL, then a local `gantry dev`'s).")
        var databaseURL: String?

        @OptionGroup var dev: DevDirectoryOption

        /// Runs `body` with a repository on a one-connection pool, turning connection failures into exit 3 and a
        /// missing table into a hint to migrate.
        func withRepository<T: Sendable>(_ body: (APITokenRepository) async throws -> T) async throws -> T {
            let configuration = try GantryEnvironment.postgres(databaseURL, devDirectory: dev.dataDirectory)
            let pool = PostgresConnectionPool(configuration: configuration, size: 1, logger: Logger(label: "gantry.tokens"))
            do {
                let value = try await body(APITokenRepository(pool: pool))
                await pool.close()
                return value
            } catch let error as PostgresError {
                await pool.close()
                switch error.code {
                case .connectionFailed, .authenticationFailed, .timeout, .connectionClosed:
                    throw CLIError(.unreachable, "PostgreSQL at \(configuration): \(error)")
                case .server where error.sqlState == "42P01":
                    throw CLIError(.usage, "no api_tokens table in \(configuration): run `gantry migrate` first")
                default:
                    throw CLIError(.server, "PostgreSQL at \(configuration): \(error)")
                }
            } catch let error as APITokenError {
                await pool.close()
                throw CLIError(error.code == .corruptRow ? .server : .usage, error.message)
            } catch {
                await pool.close()
                throw error
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it alone on stdout (shown once).")

        @Option(help: "Comma-separated scopes: submit, read, admin.")
        var scopes: String

        @Option(help: "A name to tell the token apart in `gantry tokens list`.")
        var name = "cli"

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            do {
                _ = try APITokenScope.parse(scopes)
            } catch {
                throw ValidationError("--scopes: \(error.message)")
            }
        }

        func run() async throws {
            let scopes = try APITokenScope.parse(self.scopes)
            let (secret, record) = try await database.withRepository { try await $0.create(name: name, scopes: scopes) }
            // stdout carries the token alone, so `tok=$(gantry tokens create …)` works; the rest goes to stderr.
            Text.writeStandardOutput(secret.value + "\n")
            Text.writeStandardError(
                "created token \(record.prefix)… '\(record.name)' (\(record.id.uuidString.lowercased()), scopes "
                    + "\(record.scopes.sorted().map(\.rawValue).joined(separator: ","))); it is not shown again\n")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens, newest first, revoked ones included.")

        @OptionGroup var output: OutputFormat
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let records = try await database.withRepository { try await $0.list() }
            // Explicit nulls for a token never used or not revoked: scripts test for them.
            let document = JSONValue.array(
                records.map { r in
                    .object([
                        "id": .string(r.id.uuidString.lowercased()), "name": .string(r.name), "prefix": .string(r.prefix),
                        "scopes": .array(r.scopes.sorted().map { .string($0.rawValue) }),
                        "created_at": .string(r.createdAt.formatted(.iso8601)),
                        "last_used_at": r.lastUsedAt.map { .string($0.formatted(.iso8601)) } ?? .null,
                        "revoked_at": r.revokedAt.map { .string($0.formatted(.iso8601)) } ?? .null,
                    ])
                })
            try output.list(records, json: document, none: "no tokens: make one with `gantry tokens create --scopes submit,read`") {
                Table(
                    [
                        .init("ID"), .init("NAME"), .init("PREFIX"), .init("SCOPES"), .init("CREATED"), .init("LAST USED"),
                        .init("STATE"),
                    ], rows: records,
                    cells: { r in
                        [
                            r.id.uuidString.lowercased(), r.name, r.prefix, r.scopes.sorted().map(\.rawValue).joined(separator: ","),
                            HumanUnits.relative(r.createdAt), r.lastUsedAt.map { HumanUnits.relative($0) } ?? "never",
                            r.isRevoked ? "revoked" : "live",
                        ]
                    }, paint: { r in r.isRevoked ? { Paint.faint($0) } : nil })
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its ID or prefix.")

        @Argument(help: "The token's ID, or its prefix as `gantry tokens list` shows it (gty_…).")
        var token: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let revoked = try await database.withRepository { try await $0.revoke(token) }
            guard revoked else { throw CLIError(.notFound, "no live token \(token)") }
            Text.writeStandardOutput("revoked \(token)\n")
        }
    }
}
