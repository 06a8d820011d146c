import FoundationEssentials
import GantryDomain
import GantryPostgres
import Glibc

/// Reads a project's history from the `project_events` outbox (the phase state machine writes it,
/// through ``ProgressRepository``).
public struct ProjectEventRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// The project's latest `limit` events, oldest first.
    public func events(of projectID: UUID, limit: Int = 100) async throws -> [ProjectEventRecord] {
        try await executor.query(
            """
            SELECT * FROM (
                SELECT \(unsafeRaw: Self.columns) FROM project_events
                WHERE project_id = \(projectID) ORDER BY seq DESC LIMIT \(max(1, min(limit, 10_000)))
            ) latest ORDER BY seq
            """
        ).rows.map(Self.record)
    }

    /// Events of every project after `seq`, in outbox order, at most `limit`: the cursor of a reader
    /// that follows the outbox as it grows (the dashboard's live feed), apart from the dispatcher's.
    public func events(after seq: Int64, limit: Int = 200) async throws -> [ProjectEventRecord] {
        try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM project_events
            WHERE seq > \(seq) ORDER BY seq LIMIT \(max(1, min(limit, 10_000)))
            """
        ).rows.map(Self.record)
    }

    /// The outbox's last `seq` (0 when empty): where a reader that wants only new events starts.
    public func latestSeq() async throws -> Int64 {
        let row = try await executor.query("SELECT coalesce(max(seq), 0)::bigint FROM project_events").rows.first
        return try row?.decode(0, as: Int64.self) ?? 0
    }

    static let columns = "seq, id, project_id, data, actor, occurred_at, dispatched_at"

    /// A row of ``columns``.
    static func record(_ row: PostgresRow) throws -> ProjectEventRecord {
        let data = try row.decode(3, as: PostgresJSON.self)
        return ProjectEventRecord(
            seq: try row.decode(0), id: try row.decode(1), projectID: try row.decode(2),
            event: try JSONDecoder().decode(ProgressEvent.self, from: Data(data.bytes)), actor: try row.decode(4),
            occurredAt: try row.decode(5), dispatchedAt: try row.decode(6, as: Date?.self))
    }
}

extension RepositorySource {
    /// A project's history of progress events.
    public var projectEvents: ProjectEventRepository { ProjectEventRepository(executor: executor) }
}
