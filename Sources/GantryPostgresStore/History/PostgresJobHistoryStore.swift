import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgres

/// Run history (`job_runs`) and results (`job_results`) in PostgreSQL, written a batch at a time:
/// runs by COPY, results through `JobResultRepository` (which keeps the first result of a job), both in
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
            let ledger = JobResultRepository(connection: connection)
            for start in stride(from: 0, to: results.count, by: 500) {
                try await ledger.insert(
                    results[start..<min(start + 500, results.count)].map { run in
                        JobResultRepository.NewResult(
                            jobID: run.jobID, kind: run.kind, queue: run.queue, projectID: run.projectID,
                            attempt: run.attempt, result: run.result,
                            finishedAt: Date(timeIntervalSince1970: Double(run.finishedAtMs) / 1000))
                    }, reportInserted: false)
            }
        }
    }

    /// COPY's text form of a Unix-millisecond time, in UTC (`2026-11-25 16:00:00.123+00`).
    static func timestamp(_ ms: Int64) -> String {
        let (seconds, milliseconds) = Self.floorDivision(ms, 1000)
        let (days, secondOfDay) = Self.floorDivision(seconds, 86_400)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(CalendarDay(dayNumber: Int(days))) \(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):"
            + "\(pad(secondOfDay % 60, 2)).\(pad(milliseconds, 3))+00"
    }

    /// Quotient rounded down and the remainder that goes with it (never negative for d > 0).
    static func floorDivision(_ n: Int64, _ d: Int64) -> (quotient: Int64, remainder: Int64) {
        let r = n % d
        return r < 0 ? (n / d - 1, r + d) : (n / d, r)
    }
}
