import GantryPostgres
import Testing

@Suite("PostgresConnectionPool against PostgreSQL 15")
struct PostgresConnectionPoolTests {
    @Test func manyTasksShareAFewConnections() async throws {
        let pool = PostgresConnectionPool(
            configuration: try await TestPostgres.configuration(), size: 3, logger: TestPostgres.logger)
        let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<30 {
                group.addTask {
                    try await pool.query("SELECT pg_backend_pid() FROM pg_sleep(0.01)").first!.decode(0, as: Int32.self)
                }
            }
            return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
        }
        #expect(pids.count <= 3)
        await pool.close()
        await #expect {
            try await pool.query("SELECT 1")
        } throws: { error in
            (error as? PostgresError)?.code == .connectionClosed
        }
    }

    /// Regression: a job resumed its caller before the connection thread recorded the session's new
    /// transaction status, so a connection handed back right after `COMMIT` could still read as "in a
    /// transaction" and the pool closed it and opened a new one. Every transaction here commits cleanly, so
    /// each of the pool's connections must serve them all: no more backends than the pool's size.
    @Test func committedTransactionsKeepTheirPooledConnections() async throws {
        let size = 2
        let pool = PostgresConnectionPool(
            configuration: try await TestPostgres.configuration(), size: size, logger: TestPostgres.logger)
        defer { Task { await pool.close() } }
        let pids = try await withThrowingTaskGroup(of: [Int32].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var pids: [Int32] = []
                    for _ in 0..<50 {
                        pids.append(try await pool.transaction { connection in
                            try await connection.query("SELECT pg_backend_pid()").first!.decode(0, as: Int32.self)
                        })
                    }
                    return pids
                }
            }
            return try await group.reduce(into: Set<Int32>()) { $0.formUnion($1) }
        }
        #expect(pids.count <= size, "the pool reconnected after a committed transaction")
    }

    @Test func brokenConnectionIsDiscardedAndReplaced() async throws {
        let pool = PostgresConnectionPool(
            configuration: try await TestPostgres.configuration(), size: 1, logger: TestPostgres.logger)
        defer { Task { await pool.close() } }
        let admin = try await TestPostgres.connect()
        defer { admin.close() }
        let pid = try await pool.query("SELECT pg_backend_pid()").first!.decode(0, as: Int32.self)
        try await admin.query("SELECT pg_terminate_backend(\(pid))")
        await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        let newPID = try await pool.query("SELECT pg_backend_pid()").first!.decode(0, as: Int32.self)
        #expect(newPID != pid)

        // A transaction through the pool commits on one connection.
        let value = try await pool.transaction { connection in
            try await connection.query("SELECT 41 + 1").first!.decode(0, as: Int.self)
        }
        #expect(value == 42)
    }
}
