import GantryCore
import GantryPostgres
@testable import GantryPostgresStore
import GantryTesting
import Testing

@Suite("Results and history in PostgreSQL", .migratedDatabase)
struct ResultLedgerTests {
    @Test
    func effectAndResultCommitOnceEvenWhenTheJobRunsTwice() async throws {
        let pool = try await migratedDatabase()
        try await pool.query("CREATE TABLE effects (job_id uuid, note text)")
        var job = JobEnvelope(kind: "test.effect", payload: [:], projectID: "p1")
        job.attempt = 1
        let ledger = ResultLedger(pool: pool)
        let first = try await ledger.once(job) { transaction in
            // The effect's own table, reached through the transaction's connection (internal).
            try await transaction.connection.query("INSERT INTO effects VALUES (\(job.id.uuid), 'sent')")
            return ["sent": true]
        }
        job.attempt = 2
        let second = try await ledger.once(job) { transaction in
            try await transaction.connection.query("INSERT INTO effects VALUES (\(job.id.uuid), 'sent again')")
            return ["sent": "twice"]
        }
        #expect(first.ranNow && !second.ranNow)
        #expect(second.result == ["sent": true])
        let count = try await pool.query("SELECT count(*) FROM effects").rows.first?.decode(0, as: Int.self)
        #expect(count == 1)
        await pool.close()
    }

    @Test
    func effectThatThrowsLeavesNeitherEffectNorResult() async throws {
        let pool = try await migratedDatabase()
        try await pool.query("CREATE TABLE effects (job_id uuid)")
        let job = JobEnvelope(kind: "test.effect")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            _ = try await ResultLedger(pool: pool).once(job) { transaction in
                try await transaction.connection.query("INSERT INTO effects VALUES (\(job.id.uuid))")
                throw Boom()
            }
        }
        let effects = try await pool.query("SELECT count(*) FROM effects").rows.first?.decode(0, as: Int.self)
        let results = try await pool.query("SELECT count(*) FROM job_results").rows.first?.decode(0, as: Int.self)
        #expect(effects == 0 && results == 0)
        await pool.close()
    }

    @Test
    func historyBatchKeepsEveryRunAndTheFirstResultOfEachJob() async throws {
        let pool = try await migratedDatabase()
        let store = PostgresJobHistoryStore(pool: pool)
        let job = JobID()
        func run(_ attempt: Int, _ outcome: JobRunRecord.Outcome, result: JSONValue? = nil) -> JobRunRecord {
            JobRunRecord(
                jobID: job, kind: "k", queue: "default", projectID: nil, attempt: attempt, worker: "w\ttab",
                startedAtMs: 1_700_000_000_000 + Int64(attempt), finishedAtMs: 1_700_000_000_250 + Int64(attempt),
                outcome: outcome, error: outcome == .succeeded ? nil : "line one\nline \\ two", result: result)
        }
        try await store.record([run(1, .retrying), run(2, .succeeded, result: ["n": 1])])
        try await store.record([run(3, .succeeded, result: ["n": 2])])
        let runs = try await pool.query("SELECT attempt, outcome, error, worker, duration_ms, extract(epoch FROM started_at)::float8 FROM job_runs ORDER BY attempt")
        #expect(runs.rows.count == 3)
        #expect(try runs.rows[0].decode(2, as: String?.self) == "line one\nline \\ two")
        #expect(try runs.rows[0].decode(3, as: String.self) == "w\ttab")
        #expect(try runs.rows[0].decode(4, as: Int.self) == 250)
        #expect(try runs.rows[0].decode(5, as: Double.self) == 1_700_000_000.001)
        let result = try await pool.query("SELECT result::text, attempt FROM job_results WHERE job_id = \(job.uuid)")
        #expect(try result.rows.first?.decode(0, as: String.self) == #"{"n": 1}"#)
        await pool.close()
    }

    @Test
    func migrateTwiceAppliesEachMigrationOnce() async throws {
        let pool = try await migratedDatabase()
        let again = try await pool.withConnection { try await GantryMigrator.migrate($0, logger: .init(label: "test")) }
        #expect(again.isEmpty)
        await pool.close()
    }
}
