import Logging

/// Applies versioned `Migration`s to a database, each exactly once.
///
/// Each pending migration runs in its own transaction together with the row that records it in `table`
/// (`version`, `name`, `applied_at`, `checksum`), so a crash leaves it either fully applied and recorded or
/// not at all. The whole run holds a session-level `pg_advisory_lock` derived from the table name, so
/// runners started concurrently (several replicas booting at once) apply each migration once: the others
/// wait, then find nothing left to do.
public struct MigrationRunner: Sendable {
    public var migrations: [Migration]
    /// The bookkeeping table, optionally schema-qualified (`schema.table`); plain identifiers only.
    public var table: String
    private let logger: Logger

    public init(migrations: [Migration], table: String = "gantry_schema_migrations", logger: Logger) {
        self.migrations = migrations
        self.table = table
        self.logger = logger
    }

    /// Applies every pending migration in version order.
    /// - Returns: the versions applied by this call; empty when the database was already up to date.
    /// - Throws: `.invalidConfiguration` for duplicate or non-positive versions or a bad table name;
    ///   `.migrationFailed` when an applied migration's recorded checksum differs from its SQL now; a
    ///   migration's own SQL error (with its SQLSTATE) prefixed with the migration's version and name.
    public func run(on connection: PostgresConnection) async throws -> [Int] {
        let ordered = try validated()
        let lockKey = Int64(bitPattern: Self.fnv1a("gantry.migrations:" + table))
        try await connection.query("SELECT pg_advisory_lock(\(lockKey))")
        do {
            let applied = try await runLocked(ordered, on: connection)
            try await connection.queryUncancellable("SELECT pg_advisory_unlock(\(lockKey))")
            return applied
        } catch {
            _ = try? await connection.queryUncancellable("SELECT pg_advisory_unlock(\(lockKey))")
            throw error
        }
    }

    private func runLocked(_ ordered: [Migration], on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS \(unsafeRaw: table) (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                checksum TEXT NOT NULL
            )
            """)
        var recorded: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM \(unsafeRaw: table)") {
            recorded[try row.decode(0, as: Int.self)] = try row.decode(1, as: String.self)
        }
        // Refuse to go on if history was rewritten, before changing anything.
        for migration in ordered {
            if let checksum = recorded[migration.version], checksum != migration.checksum {
                throw PostgresError(
                    code: .migrationFailed,
                    message: """
                        migration \(migration.version) '\(migration.name)' changed after it was applied \
                        (recorded checksum \(checksum.prefix(12))…, now \(migration.checksum.prefix(12))…); \
                        add a new migration instead of editing an applied one
                        """)
            }
        }
        let known = Set(ordered.map(\.version))
        let unknown = recorded.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            logger.warning(
                "the database has migrations this build does not know", metadata: ["versions": "\(unknown)"])
        }

        var applied: [Int] = []
        for migration in ordered where recorded[migration.version] == nil {
            logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            do {
                try await connection.transaction { connection in
                    try await connection.execute(unsafeSQL: migration.sql)
                    try await connection.query(
                        """
                        INSERT INTO \(unsafeRaw: table) (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """)
                }
            } catch var error as PostgresError {
                error.message = "migration \(migration.version) '\(migration.name)' failed: \(error.message)"
                throw error
            }
            applied.append(migration.version)
        }
        return applied
    }

    private func validated() throws -> [Migration] {
        let identifier = "[A-Za-z_][A-Za-z0-9_]*"
        guard table.wholeMatch(of: try Regex("\(identifier)(\\.\(identifier))?")) != nil else {
            throw PostgresError(
                code: .invalidConfiguration,
                message: "migration table '\(table)' must be a plain identifier, optionally schema-qualified")
        }
        var seen = Set<Int>()
        for migration in migrations {
            guard migration.version > 0 else {
                throw PostgresError(
                    code: .invalidConfiguration, message: "migration '\(migration.name)' has a non-positive version")
            }
            guard seen.insert(migration.version).inserted else {
                throw PostgresError(
                    code: .invalidConfiguration, message: "migration version \(migration.version) appears twice")
            }
        }
        return migrations.sorted { $0.version < $1.version }
    }

    /// A stable 64-bit hash (Swift's `hashValue` changes between runs).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
