import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgres
import Glibc

/// The follow-up chains' bookkeeping (`follow_ups`) and the outbox's dispatch (`project_events`).
///
/// The coordinator's leader calls the claiming methods inside one fenced transaction; `FOR UPDATE
/// SKIP LOCKED` keeps a second caller from working on the same rows, and `UNIQUE (trigger_event,
/// chain, step)` keeps any caller from starting a step twice.
public struct FollowUpRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    static let columns =
        "f.id, f.project_id, f.chain, f.trigger_event, f.step, f.kind, f.job_id, f.state, f.detail, f.created_at, f.finished_at"

    /// A project's follow-ups, oldest first: each chain run's steps and their states.
    public func followUps(of projectID: UUID, limit: Int = 500) async throws -> [FollowUpRecord] {
        try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM follow_ups f WHERE f.project_id = \(projectID)
            ORDER BY f.created_at, f.trigger_event, f.chain, f.step LIMIT \(max(1, min(limit, 5_000)))
            """
        ).rows.map { try Self.record($0, at: 0) }
    }

    /// Events not yet dispatched, oldest first, locked for this transaction.
    public func claimUndispatchedEvents(limit: Int) async throws -> [ProjectEventRecord] {
        try await executor.query(
            """
            SELECT \(unsafeRaw: ProjectEventRepository.columns) FROM project_events
            WHERE dispatched_at IS NULL ORDER BY seq LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """
        ).rows.map(ProjectEventRepository.record)
    }

    public func markDispatched(_ seqs: [Int64]) async throws {
        guard !seqs.isEmpty else { return }
        let list = PostgresJSON(bytes: Array("[\(seqs.map(String.init).joined(separator: ","))]".utf8))
        try await executor.query(
            """
            UPDATE project_events SET dispatched_at = now()
            WHERE seq IN (SELECT jsonb_array_elements_text(\(list))::bigint)
            """)
    }

    /// Starts a step: `enqueued` with its job, or `skipped`/`failed` with the reason (then `jobID` is
    /// nil). Returns false when the step already exists (a second dispatch of one trigger).
    @discardableResult
    public func insert(
        projectID: UUID, chain: String, triggerEvent: UUID, step: Int, kind: String, jobID: UUID?,
        state: FollowUpRecord.State, detail: JSONValue = .object([:])
    ) async throws -> Bool {
        let finished = state == .enqueued ? nil : Date()
        return try await executor.query(
            """
            INSERT INTO follow_ups (project_id, chain, trigger_event, step, kind, job_id, state, detail, finished_at)
            VALUES (\(projectID), \(chain), \(triggerEvent), \(step), \(kind), \(jobID), \(state.rawValue),
                    \(PostgresJSON(bytes: detail.jsonBytes)), \(finished))
            ON CONFLICT (trigger_event, chain, step) DO NOTHING
            RETURNING id
            """
        ).first != nil
    }

    /// Open follow-ups whose job has finished (a result, or a `dead`/`cancelled` run), locked for this
    /// transaction, oldest first.
    public func claimFinished(limit: Int) async throws -> [FinishedFollowUp] {
        try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns), r.job_id IS NOT NULL, r.result, d.outcome, d.error
            FROM follow_ups f
            LEFT JOIN job_results r ON r.job_id = f.job_id
            LEFT JOIN LATERAL (
                SELECT outcome, error FROM job_runs jr
                WHERE jr.job_id = f.job_id AND jr.outcome IN ('dead', 'cancelled')
                ORDER BY jr.finished_at DESC LIMIT 1) d ON r.job_id IS NULL
            WHERE f.state = 'enqueued' AND (r.job_id IS NOT NULL OR d.outcome IS NOT NULL)
            ORDER BY f.created_at LIMIT \(limit)
            FOR UPDATE OF f SKIP LOCKED
            """
        ).rows.map { row in
            let record = try Self.record(row, at: 0)
            if try row.decode(11, as: Bool.self) {
                return FinishedFollowUp(followUp: record, outcome: .succeeded(try JobResultRepository.json(row, 12)))
            }
            return FinishedFollowUp(
                followUp: record, outcome: .failed(outcome: try row.decode(13), error: try row.decode(14, as: String?.self)))
        }
    }

    /// Records how an open step ended.
    public func finish(_ id: UUID, as state: FollowUpRecord.State, detail: JSONValue) async throws {
        try await executor.query(
            """
            UPDATE follow_ups SET state = \(state.rawValue), detail = \(PostgresJSON(bytes: detail.jsonBytes)),
                finished_at = now()
            WHERE id = \(id) AND state = 'enqueued'
            """)
    }

    /// Open steps started more than `seconds` ago, for re-enqueueing after a crash between the
    /// commit that started them and their enqueue (the enqueue is idempotent on the job's unique key).
    public func stale(olderThan seconds: Int, limit: Int) async throws -> [FollowUpRecord] {
        try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM follow_ups f
            WHERE f.state = 'enqueued' AND f.created_at < now() - make_interval(secs => \(seconds))
            ORDER BY f.created_at LIMIT \(limit)
            """
        ).rows.map { try Self.record($0, at: 0) }
    }

    /// The steps already recorded for one chain run, in order (what a later step's payload may use).
    public func run(triggerEvent: UUID, chain: String) async throws -> [FollowUpRecord] {
        try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM follow_ups f
            WHERE f.trigger_event = \(triggerEvent) AND f.chain = \(chain) ORDER BY f.step
            """
        ).rows.map { try Self.record($0, at: 0) }
    }

    /// The event that triggered a chain run.
    public func event(_ id: UUID) async throws -> ProjectEventRecord? {
        try await executor.query(
            "SELECT \(unsafeRaw: ProjectEventRepository.columns) FROM project_events WHERE id = \(id)"
        ).first.map(ProjectEventRepository.record)
    }

    /// The value of `field` in the detail of the project's latest `done` step of `kind` triggered
    /// before the event with `seq` (for example the RAG status of the report before this one).
    public func latestDetail(_ field: String, kind: String, projectID: UUID, before seq: Int64) async throws -> JSONValue? {
        guard
            let row = try await executor.query(
                """
                SELECT f.detail -> \(field) FROM follow_ups f JOIN project_events e ON e.id = f.trigger_event
                WHERE f.project_id = \(projectID) AND f.kind = \(kind) AND f.state = 'done' AND e.seq < \(seq)
                ORDER BY e.seq DESC LIMIT 1
                """
            ).first
        else { return nil }
        return try JobResultRepository.json(row, 0)
    }

    static func record(_ row: PostgresRow, at c: Int) throws -> FollowUpRecord {
        FollowUpRecord(
            id: try row.decode(c), projectID: try row.decode(c + 1), chain: try row.decode(c + 2),
            triggerEvent: try row.decode(c + 3), step: try row.decode(c + 4), kind: try row.decode(c + 5),
            jobID: try row.decode(c + 6, as: UUID?.self), state: try row.decodeRaw(c + 7, as: FollowUpRecord.State.self),
            detail: try JobResultRepository.json(row, c + 8) ?? .object([:]), createdAt: try row.decode(c + 9),
            finishedAt: try row.decode(c + 10, as: Date?.self))
    }
}

extension RepositorySource {
    /// Follow-up chain steps and the outbox's dispatch.
    public var followUps: FollowUpRepository { FollowUpRepository(executor: executor) }
}
