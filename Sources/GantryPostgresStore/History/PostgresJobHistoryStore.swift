import FoundationEssentials
import Glibc
import GantryCore
import GantryPostgres

/// Run history (`job_runs`) and results (`job_results`) in PostgreSQL, written a batch at a time:
/// runs by COPY, results by one multi-row insert that keeps the first result of a job, both in
/// one transaction so a batch is recorded whole or not at all.
///
/// The worker acks a batch only after it is recorded, so a row PostgreSQL refuses must never
/// hold the batch back: texts are cleaned of what PostgreSQL cannot store before they are sent,
/// and when PostgreSQL still refuses the batch for its data (SQLSTATE classes 22, 23, 54), the
/// runs are recorded one by one, a refused one without its texts, and one refused even then is
/// left out. Only an outage (connection lost, server down) makes `record` throw.
public struct PostgresJobHistoryStore: JobHistoryStore {
    public let pool: PostgresConnectionPool

    public init(pool: PostgresConnectionPool) {
        self.pool = pool
    }

    public func record(_ runs: [JobRunRecord]) async throws {
        guard !runs.isEmpty else { return }
        let runs = runs.map(Self.storable)
        do {
            try await write(runs)
        } catch let error as PostgresError where Self.refusesData(error) {
            for run in runs {
                do {
                    try await write([run])
                } catch let error as PostgresError where Self.refusesData(error) {
                    var bare = run
                    bare.error = "the run's record was refused by PostgreSQL (SQLSTATE \(error.sqlState ?? "?")); its texts were left out"
                    bare.result = nil
                    bare.attempt = max(1, min(bare.attempt, Int(Int32.max)))
                    do {
                        try await write([bare])
                    } catch let error as PostgresError where Self.refusesData(error) {
                        continue
                    }
                }
            }
        }
    }

    /// True when PostgreSQL refused the statement for the values in it, which a retry cannot fix;
    /// false for an outage, which a retry can.
    static func refusesData(_ error: PostgresError) -> Bool {
        guard let state = error.sqlState else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23") || state.hasPrefix("54")
    }

    /// The run with every text cleaned of NUL and other control characters (`ControlCharacters`),
    /// which PostgreSQL's `text`, `jsonb` and COPY refuse or mangle.
    static func storable(_ run: JobRunRecord) -> JobRunRecord {
        var run = run
        run.kind = ControlCharacters.cleaned(run.kind)
        run.projectID = run.projectID.map { ControlCharacters.cleaned($0) }
        run.worker = ControlCharacters.cleaned(run.worker)
        run.error = run.error.map { ControlCharacters.cleaned($0) }
        run.result = run.result?.cleaningControlCharacters()
        return run
    }

    private func write(_ runs: [JobRunRecord]) async throws {
        let results = runs.filter { $0.outcome == .succeeded }
        try await pool.transaction { connection in
            _ = try await connection.copyFrom(
                """
                COPY job_runs (job_id, kind, queue, project_id, attempt, worker, started_at, finished_at, outcome, error, duration_ms) FROM STDIN
                """
            ) { writer in
                for run in runs {
                    writer.append(row: [
                        run.jobID.description, run.kind, run.queue.rawValue, run.projectID, String(run.attempt), run.worker,
                        Self.timestamp(run.startedAtMs), Self.timestamp(run.finishedAtMs), run.outcome.rawValue, run.error,
                        String(run.durationMs),
                    ])
                }
            }
            for start in stride(from: 0, to: results.count, by: 500) {
                let chunk = results[start..<min(start + 500, results.count)]
                var sql = PostgresQuery.StringInterpolation(literalCapacity: 200, interpolationCount: chunk.count * 7)
                sql.appendLiteral("INSERT INTO job_results (job_id, kind, queue, project_id, attempt, result, finished_at) VALUES ")
                for (i, run) in chunk.enumerated() {
                    sql.appendLiteral(i == 0 ? "(" : ", (")
                    sql.appendInterpolation(run.jobID.uuid)
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(run.kind)
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(run.queue.rawValue)
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(run.projectID)
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(run.attempt)
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(run.result.map { PostgresJSON(bytes: $0.jsonBytes) })
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(Date(timeIntervalSince1970: Double(run.finishedAtMs) / 1000))
                    sql.appendLiteral(")")
                }
                sql.appendLiteral(" ON CONFLICT (job_id) DO NOTHING")
                try await connection.query(PostgresQuery(stringInterpolation: sql))
            }
        }
    }

    /// COPY's text form of a Unix-millisecond time, in UTC (`2026-11-25 16:00:00.123+00`).
    static func timestamp(_ ms: Int64) -> String {
        var seconds = time_t(ms.dividedFloor(by: 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(ms - ms.dividedFloor(by: 1000) * 1000), 3))+00"
    }
}

extension Int64 {
    fileprivate func dividedFloor(by d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
