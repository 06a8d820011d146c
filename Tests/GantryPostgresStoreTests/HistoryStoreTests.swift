import GantryCore
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// The history store never holds a batch back for one row: the worker acks only what is recorded.
@Suite("History that PostgreSQL refuses", .migratedDatabase)
struct HistoryStoreTests {
    func run(_ id: JobID = JobID(), attempt: Int = 1, projectID: String? = "p1", error: String? = nil, result: JSONValue? = nil) -> JobRunRecord {
        let now = WallClock.nowMs()
        return JobRunRecord(
            jobID: id, kind: "migration.batch", queue: .default, projectID: projectID, attempt: attempt, worker: "w1",
            startedAtMs: now - 5, finishedAtMs: now, outcome: result == nil ? .dead : .succeeded, error: error, result: result)
    }

    func count(_ pool: PostgresConnectionPool, _ ids: [JobID]) async throws -> Int {
        var total = 0
        for id in ids {
            let rows = try await pool.query("SELECT count(*)::bigint FROM job_runs WHERE job_id = \(id.uuid)")
            total += Int(try rows.rows[0].decode(0, as: Int64.self))
        }
        return total
    }

    @Test
    func runsWithNULInTheirTextsAreRecordedWithTheTextCleaned() async throws {
        let pool = try await migratedDatabase()
        let quoted = run(projectID: "acme\u{0}", error: "no import '\u{0}x' (batch 3)")
        let result = run(result: ["event": "evt\u{0}1", "ok\u{0}": true])
        let plain = run(error: "upstream 503")
        try await PostgresJobHistoryStore(pool: pool).record([quoted, result, plain])
        #expect(try await count(pool, [quoted.jobID, result.jobID, plain.jobID]) == 3)
        let rows = try await pool.query("SELECT error, project_id FROM job_runs WHERE job_id = \(quoted.jobID.uuid)")
        #expect(try rows.rows[0].decode(0, as: String.self) == "no import '\u{FFFD}x' (batch 3)")
        #expect(try rows.rows[0].decode(1, as: String.self) == "acme\u{FFFD}")
        let stored = try await pool.query("SELECT result->>'event' FROM job_results WHERE job_id = \(result.jobID.uuid)")
        #expect(try stored.rows[0].decode(0, as: String.self) == "evt\u{FFFD}1")
    }

    @Test
    func aRowPostgreSQLStillRefusesDoesNotHoldBackTheRestOfTheBatch() async throws {
        let pool = try await migratedDatabase()
        // An attempt beyond `integer` (a corrupt envelope's) and one below job_results' CHECK.
        let overflow = run(attempt: Int(Int32.max) + 1, error: "x")
        let zeroAttempt = run(attempt: 0, result: ["ok": true])
        let good = (0..<5).map { _ in run(error: "fine") }
        try await PostgresJobHistoryStore(pool: pool).record([overflow, zeroAttempt] + good)
        #expect(try await count(pool, good.map(\.jobID)) == 5)
        // The refused rows are still there, without their texts, so the run is not lost from history.
        #expect(try await count(pool, [overflow.jobID, zeroAttempt.jobID]) == 2)
        let note = try await pool.query("SELECT error FROM job_runs WHERE job_id = \(overflow.jobID.uuid)")
        #expect(try note.rows[0].decode(0, as: String.self).contains("refused by PostgreSQL (SQLSTATE 22003)"))
    }
}
