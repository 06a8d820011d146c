import Foundation
import GantryPostgres
import GantryTesting
import Testing

@Suite("PostgresConnection against PostgreSQL 15")
struct PostgresConnectionTests {
    @Test func byteaRoundTripKeepsZeroAndFFBytes() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let table = TestPostgres.uniqueName("bytes")
        try await connection.query("CREATE TABLE \(identifier: table) (id int PRIMARY KEY, data bytea)")
        let bytes: [UInt8] = [0x00, 0x41, 0x00, 0x42, 0xFF]
        try await connection.query("INSERT INTO \(identifier: table) VALUES (1, \(bytes))")
        let row = try #require(try await connection.query("SELECT data, length(data) AS n FROM \(identifier: table)").first)
        #expect(try row.decode("data", as: [UInt8].self) == bytes)
        #expect(try row.decode("n", as: Int.self) == 5)
    }

    @Test func transactionRolledBackOnThrownErrorLeavesNoRow() async throws {
        struct Boom: Error {}
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let table = TestPostgres.uniqueName("tx")
        try await connection.query("CREATE TABLE \(identifier: table) (id int)")
        await #expect(throws: Boom.self) {
            try await connection.transaction { connection in
                try await connection.query("INSERT INTO \(identifier: table) VALUES (1)")
                throw Boom()
            }
        }
        #expect(try await connection.rowCount(of: table) == 0)

        let committed = try await connection.transaction { connection in
            try await connection.query("INSERT INTO \(identifier: table) VALUES (2)")
            return "done"
        }
        #expect(committed == "done")
        #expect(try await connection.rowCount(of: table) == 1)
    }

    @Test func copyOf100000RowsKeepsTabNewlineBackslashAndNull() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let table = TestPostgres.uniqueName("copy")
        try await connection.query("CREATE TABLE \(identifier: table) (id int PRIMARY KEY, value text)")
        let specials: [String?] = ["tab\there", "line\nbreak", "back\\slash", nil, "\\N", "cr\rlf\r\n", "plain", ""]
        let copied = try await connection.copyFrom("COPY \(identifier: table) (id, value) FROM STDIN") { writer in
            for id in 0..<100_000 {
                writer.append(row: [String(id), specials[id % specials.count]])
            }
        }
        #expect(copied == 100_000)
        let count = try await connection.rowCount(of: table)
        #expect(count == 100_000)
        let nulls = try await connection.query("SELECT count(*) FROM \(identifier: table) WHERE value IS NULL")
            .first?.decode(0, as: Int.self)
        #expect(nulls == 100_000 / specials.count)
        let rows = try await connection.query(
            "SELECT id, value FROM \(identifier: table) WHERE id < \(specials.count) ORDER BY id")
        let values = try rows.map { try $0.decode("value", as: String?.self) }
        #expect(values == specials)
    }

    @Test func queryErrorReportsSQLStateAndQuery() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let missing = TestPostgres.uniqueName("missing")
        do {
            try await connection.query("SELECT * FROM \(identifier: missing) WHERE id = \(1)")
            Issue.record("expected an error")
        } catch let error as PostgresError {
            #expect(error.code == .server)
            #expect(error.sqlState == "42P01")
            #expect(error.message.contains(missing))
            #expect(error.query == "SELECT * FROM \"\(missing)\" WHERE id = $1")
            #expect(error.description.contains("42P01"))
        }

        let table = TestPostgres.uniqueName("unique")
        try await connection.query("CREATE TABLE \(identifier: table) (email text UNIQUE)")
        try await connection.query("INSERT INTO \(identifier: table) VALUES (\("a@example.com"))")
        do {
            try await connection.query("INSERT INTO \(identifier: table) VALUES (\("a@example.com"))")
            Issue.record("expected a unique violation")
        } catch let error as PostgresError {
            #expect(error.sqlState == "23505")
            #expect(error.detail?.contains("a@example.com") == true)
            #expect(error.query?.hasPrefix("INSERT INTO") == true)
        }
        // The connection is still usable after errors.
        #expect(try await connection.query("SELECT 1").first?.decode(0, as: Int.self) == 1)
    }

    @Test func wrongPasswordFailsWithAuthenticationFailedAndNeverShowsIt() async throws {
        let server = try await TestPostgres.serverRequiringPassword()
        var configuration = server.configuration
        let wrong = "Wr0ng-" + UUID().uuidString
        configuration.password = wrong
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, logger: TestPostgres.logger)
            connection.close()
            Issue.record("connected with a wrong password")
        } catch let error as PostgresError {
            #expect(error.code == .authenticationFailed)
            #expect(error.message.contains("password authentication failed"))
            #expect(!error.message.contains(wrong))
            #expect(!error.description.contains(wrong))
            #expect(!String(reflecting: error).contains(wrong))
        }
    }

    @Test func typedDecodingOfEverySupportedType() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let row = try #require(
            try await connection.query(
                """
                SELECT 'héllo'::text AS t, 42::int4 AS i4, 9000000000::int8 AS i8, 3.25::float8 AS d,
                       true AS yes, false AS no, 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6'::uuid AS u,
                       '2024-02-29 12:34:56.789+02'::timestamptz AS ts, '\\x0041ff'::bytea AS b,
                       '{"a": [1, 2]}'::jsonb AS j, NULL::text AS n, NULL::int AS ni
                """
            ).first)
        #expect(try row.decode("t", as: String.self) == "héllo")
        #expect(try row.decode("i4", as: Int32.self) == 42)
        #expect(try row.decode("i4", as: Int.self) == 42)
        #expect(try row.decode("i8", as: Int64.self) == 9_000_000_000)
        #expect(try row.decode("d", as: Double.self) == 3.25)
        #expect(try row.decode("yes", as: Bool.self) == true)
        #expect(try row.decode("no", as: Bool.self) == false)
        #expect(try row.decode("u", as: UUID.self) == UUID(uuidString: "F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6"))
        let expectedDate = Date(timeIntervalSince1970: 1_709_202_896.789)  // 2024-02-29T10:34:56.789Z
        #expect(abs(try row.decode("ts", as: Date.self).timeIntervalSince(expectedDate)) < 0.000_01)
        #expect(try row.decode("b", as: [UInt8].self) == [0x00, 0x41, 0xFF])
        #expect(try row.decode("j", as: PostgresJSON.self).string == #"{"a": [1, 2]}"#)
        #expect(try row.decode("n", as: String?.self) == nil)
        #expect(try row.decode("ni", as: Int?.self) == nil)
        #expect(try row.decode("t", as: String?.self) == "héllo")
        #expect(throws: PostgresError.self) { try row.decode("n", as: String.self) }
        #expect(throws: PostgresError.self) { try row.decode("t", as: Int.self) }
        #expect(throws: PostgresError.self) { try row.decode("nope", as: Int.self) }

        // The same types sent as binds come back equal.
        let id = UUID()
        let now = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let json = PostgresJSON(#"{"k": "v"}"#)
        let back = try #require(
            try await connection.query(
                """
                SELECT \(id) AS u, \(now) AS ts, \(json) AS j, \(Int32(-7)) AS i4, \(Int64.min) AS i8,
                       \(-0.5) AS d, \(true) AS b, \(nil as Int?) AS n, \("naïve ✓") AS s
                """
            ).first)
        #expect(try back.decode("u", as: UUID.self) == id)
        #expect(abs(try back.decode("ts", as: Date.self).timeIntervalSince(now)) < 0.000_002)
        #expect(try back.decode("j", as: PostgresJSON.self).string == #"{"k": "v"}"#)
        #expect(try back.decode("i4", as: Int32.self) == -7)
        #expect(try back.decode("i8", as: Int64.self) == .min)
        #expect(try back.decode("d", as: Double.self) == -0.5)
        #expect(try back.decode("b", as: Bool.self))
        #expect(try back.decode("n", as: Int?.self) == nil)
        #expect(try back.decode("s", as: String.self) == "naïve ✓")
    }

    @Test func hostileValueIsStoredLiterally() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let table = TestPostgres.uniqueName("inject")
        try await connection.query("CREATE TABLE \(identifier: table) (v text)")
        let hostile = "'; DROP TABLE \(table); --"
        try await connection.query("INSERT INTO \(identifier: table) VALUES (\(hostile))")
        let stored = try await connection.query("SELECT v FROM \(identifier: table)").first?.decode(0, as: String.self)
        #expect(stored == hostile)
    }

    @Test func severalTextBindsStayApartAndNulInTextIsRefused() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let row = try #require(try await connection.query("SELECT \("a") AS a, \("bc") AS b, \([UInt8]([0, 1])) AS c, \("") AS d").first)
        #expect(try row.decode("a", as: String.self) == "a")
        #expect(try row.decode("b", as: String.self) == "bc")
        #expect(try row.decode("c", as: [UInt8].self) == [0, 1])
        #expect(try row.decode("d", as: String.self) == "")
        await #expect {
            try await connection.query("SELECT \("nul\u{0}inside")")
        } throws: { error in
            (error as? PostgresError)?.sqlState == "22021"
        }
    }

    @Test func pipelineOf1000InsertsInOneCall() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let table = TestPostgres.uniqueName("pipe")
        try await connection.query("CREATE TABLE \(identifier: table) (id int PRIMARY KEY, label text)")
        let inserts: [PostgresQuery] = (0..<1000).map {
            "INSERT INTO \(identifier: table) VALUES (\(Int32($0)), \("row \($0)"))"
        }
        let results = try await connection.pipeline(inserts)
        #expect(results.count == 1000)
        #expect(results.allSatisfy { $0.affectedRows == 1 })
        #expect(try await connection.rowCount(of: table) == 1000)

        // All or nothing: a duplicate key in the middle rolls the whole batch back.
        let failing: [PostgresQuery] = [
            "INSERT INTO \(identifier: table) VALUES (\(Int32(5000)), \("new"))",
            "INSERT INTO \(identifier: table) VALUES (\(Int32(1)), \("duplicate"))",
            "INSERT INTO \(identifier: table) VALUES (\(Int32(5001)), \("skipped"))",
        ]
        await #expect {
            try await connection.pipeline(failing)
        } throws: { error in
            (error as? PostgresError)?.sqlState == "23505"
        }
        #expect(try await connection.rowCount(of: table) == 1000)
        // And selects in a pipeline return their rows.
        let selects = try await connection.pipeline(["SELECT \(1) AS a", "SELECT \("x") AS b"])
        #expect(try selects[1].first?.decode("b", as: String.self) == "x")
    }

    @Test func cancellingATaskRunningPgSleepThrowsCancelledAndTheConnectionWorksAfter() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let monitor = try await TestPostgres.connect()
        defer { monitor.close() }
        // Running on the server, so the PQcancel path is what gets tested.
        let sleeper = try await startServerSleep(on: connection, monitor: monitor)
        sleeper.cancel()
        let outcome = await sleeper.result
        switch outcome {
        case .success:
            Issue.record("pg_sleep finished instead of being cancelled")
        case .failure(let error):
            #expect(postgresErrorCode(error) == .cancelled)
            #expect((error as? PostgresError)?.sqlState == "57014")
        }
        #expect(try await connection.query("SELECT 7").first?.decode(0, as: Int.self) == 7)
    }

    @Test func closingDuringAQueryCancelsItOnTheServer() async throws {
        let connection = try await TestPostgres.connect()
        let monitor = try await TestPostgres.connect()
        defer { monitor.close() }
        let sleeper = try await startServerSleep(on: connection, monitor: monitor)
        connection.close()
        await expectPostgresError(.cancelled) {
            try await sleeper.value
        }
    }

    @Test func cancelledTaskDoesNotStartItsQuery() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await connection.query("SELECT 1")
        }
        await expectPostgresError(.cancelled) {
            try await task.value
        }
    }

    @Test func listenNotifyDeliversAPayload() async throws {
        let listener = try await TestPostgres.connect()
        defer { listener.close() }
        let notifier = try await TestPostgres.connect()
        defer { notifier.close() }
        let channel = TestPostgres.uniqueName("Chan")
        let notifications = try await listener.listen(channel)
        try await notifier.notify(channel, payload: "hello, \"world\"\n")
        let received = await firstElement(of: notifications)
        #expect(received?.channel == channel)
        #expect(received?.payload == "hello, \"world\"\n")
        // The listening connection still runs queries.
        #expect(try await listener.query("SELECT 1").first?.decode(0, as: Int.self) == 1)
    }

    @Test func droppedConnectionThrowsConnectionClosedThenReconnects() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let admin = try await TestPostgres.connect()
        defer { admin.close() }
        let pid = try #require(try await connection.query("SELECT pg_backend_pid()").first?.decode(0, as: Int32.self))
        try await admin.query("SELECT pg_terminate_backend(\(pid))")
        await expectPostgresError(.connectionClosed) {
            try await connection.query("SELECT 1")
        }
        let newPID = try await connection.query("SELECT pg_backend_pid()").first?.decode(0, as: Int32.self)
        #expect(newPID != nil && newPID != pid)
    }

    @Test func executeRunsSeveralStatements() async throws {
        let connection = try await TestPostgres.connect()
        defer { connection.close() }
        let schema = TestPostgres.uniqueName("script")
        let quoted = PostgresQuery.quoteIdentifier(schema)
        try await connection.execute(
            unsafeSQL: "CREATE SCHEMA \(quoted); CREATE TABLE \(quoted).t (a int); INSERT INTO \(quoted).t VALUES (1), (2);")
        let count = try await connection.query("SELECT count(*) FROM \(identifier: schema).t").first?.decode(0, as: Int.self)
        #expect(count == 2)
        connection.close()
        connection.close()
        await expectPostgresError(.connectionClosed) {
            try await connection.query("SELECT 1")
        }
    }
}
