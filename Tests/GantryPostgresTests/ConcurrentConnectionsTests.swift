import GantryPostgres
import Testing

@Suite("Many PostgreSQL connections at once")
struct ConcurrentConnectionsTests {
    /// Workers open, use and close connections in a loop, all at the same time, each round doing a
    /// transaction with a multi-row INSERT of many binds, a COPY and a query with binds. Every closed
    /// connection is closed a second time and then freed (its `deinit` closes again) while the others connect,
    /// so descriptor numbers are recycled between connections all the time.
    ///
    /// Regression: the connection thread closed its wake-up pipe when it exited, and a later `close()`
    /// still wrote its wake-up byte (0x01) to that descriptor number, by then another connection's socket:
    /// the server dropped that session with "invalid frontend message type 1".
    @Test func churningConnectionsWithBindsCopyAndTransactionsNeverCorruptEachOther() async throws {
        let workers = 12
        let rounds = 30
        let rowsPerInsert = 20
        let rowsPerCopy = 200
        let table = TestPostgres.uniqueName("churn")
        let setup = try await TestPostgres.connect()
        defer { setup.close() }
        try await setup.query(
            "CREATE TABLE \(identifier: table) (worker bigint, round bigint, seq bigint, note text, payload bytea)")

        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var previous: PostgresConnection?
                    for round in 0..<rounds {
                        let connection = try await TestPostgres.connect()
                        // Late second close and release of the last round's connection, as a deinit would.
                        previous?.close()
                        previous = nil

                        try await connection.transaction { connection in
                            var sql = "INSERT INTO \(PostgresQuery.quoteIdentifier(table)) VALUES "
                            var binds: [PostgresBind] = []
                            for seq in 0..<rowsPerInsert {
                                let values: [PostgresBind] = [
                                    worker.postgresBind(), round.postgresBind(), seq.postgresBind(),
                                    "w\(worker) r\(round) s\(seq) \t\\ é".postgresBind(),
                                    [UInt8]([0x00, 0x41, 0x00, 0x42, 0xFF, UInt8(seq)]).postgresBind(),
                                ]
                                let placeholders = values.indices.map { "$\(binds.count + $0 + 1)" }
                                sql += (seq == 0 ? "(" : ", (") + placeholders.joined(separator: ", ") + ")"
                                binds += values
                            }
                            let insert = PostgresQuery(unsafeSQL: sql, binds: binds)
                            try await connection.query(insert)
                        }
                        let copied = try await connection.copyFrom(
                            "COPY \(identifier: table) (worker, round, seq, note) FROM STDIN"
                        ) { writer in
                            for seq in rowsPerInsert..<(rowsPerInsert + rowsPerCopy) {
                                writer.append(row: String(worker), String(round), String(seq), "copy\t\(seq)\n")
                            }
                        }
                        #expect(copied == rowsPerCopy)
                        let third: [UInt8] = [0x00, 0x41, 0x00, 0x42, 0xFF, 3]
                        let row = try #require(
                            try await connection.query(
                                """
                                SELECT count(*), count(payload), sum(length(payload)) FILTER (WHERE payload = \(third))
                                FROM \(identifier: table) WHERE worker = \(worker) AND round = \(round)
                                """
                            ).first)
                        #expect(try row.decode(0, as: Int.self) == rowsPerInsert + rowsPerCopy)
                        #expect(try row.decode(1, as: Int.self) == rowsPerInsert)
                        #expect(try row.decode(2, as: Int?.self) == 6)
                        connection.close()
                        previous = connection
                    }
                    previous?.close()
                }
            }
            try await group.waitForAll()
        }

        let total = try await setup.rowCount(of: table)
        #expect(total == workers * rounds * (rowsPerInsert + rowsPerCopy))
        try await setup.query("DROP TABLE \(identifier: table)")
    }
}
