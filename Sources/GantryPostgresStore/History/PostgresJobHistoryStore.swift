import FoundationEssentials
import Glibc
import GantryCore
import GantryPostgres

/// Run history (`job_runs`) and results (`job_results`) in PostgreSQL, written a batch at a time:
/// runs by COPY, results by one multi-row insert that keeps the first result of a job, both in
/// one transaction so a batch is recorded whole or not at all.
public struct PostgresJobHistoryStore: JobHistoryStore {
    public let pool: PostgresConnectionPool

    public init(pool: PostgresConnectionPool) {
        self.pool = pool
    }

    public func record(_ runs: [JobRunRecord]) async throws {
        guard !runs.isEmpty else { return }
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
