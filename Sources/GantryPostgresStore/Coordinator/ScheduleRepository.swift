import FoundationEssentials
import GantryCore
import GantryPostgres

/// Cron schedules (`schedules`) and their firings (`schedule_firings`).
///
/// Declaring, pausing, resuming and removing are plain statements any process may run (the API, the
/// CLI, the coordinator at start). Firing is the leader's: `lockDue` selects due schedules
/// `FOR UPDATE SKIP LOCKED` inside the leader's fenced transaction, and `recordFiring` / `advance`
/// commit with it (see `ScheduleFirer` in GantryCoordinator for the order of the PostgreSQL commit
/// and the Redis enqueue).
public struct ScheduleRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    static let columns =
        "name, cron, time_zone, kind, queue, payload, missed, paused, source, next_fire_at, last_fired_at, created_at, updated_at"

    /// Every schedule, by name.
    public func list() async throws -> [ScheduleRecord] {
        try await executor.query("SELECT \(unsafeRaw: Self.columns) FROM schedules ORDER BY name").map(Self.record(from:))
    }

    public func get(_ name: String) async throws -> ScheduleRecord? {
        try await executor.query("SELECT \(unsafeRaw: Self.columns) FROM schedules WHERE name = \(name)").first.map(Self.record(from:))
    }

    /// Creates `definition`, or replaces the schedule of that name (keeping its paused state, and
    /// its next firing unless the expression or zone changed). For the API and the configuration file.
    @discardableResult
    public func upsert(
        _ definition: ScheduleDefinition, source: ScheduleRecord.Source, registry: JobKindRegistry, now: Date = Date()
    ) async throws -> ScheduleRecord {
        let next = try Self.firstFiring(definition, registry: registry, after: now)
        let query: PostgresQuery = """
            INSERT INTO schedules AS s (name, cron, time_zone, kind, queue, payload, missed, source, next_fire_at)
            VALUES (\(definition.name), \(definition.cron), \(definition.timeZone), \(definition.kind), \(definition.queue),
                    \(PostgresJSON(bytes: definition.payload.jsonBytes)), \(definition.missed.rawValue), \(source.rawValue), \(next))
            ON CONFLICT (name) DO UPDATE SET
                cron = EXCLUDED.cron, time_zone = EXCLUDED.time_zone, kind = EXCLUDED.kind, queue = EXCLUDED.queue,
                payload = EXCLUDED.payload, missed = EXCLUDED.missed, source = EXCLUDED.source,
                next_fire_at = CASE WHEN s.cron = EXCLUDED.cron AND s.time_zone = EXCLUDED.time_zone AND s.next_fire_at IS NOT NULL
                                    THEN s.next_fire_at ELSE EXCLUDED.next_fire_at END
            RETURNING \(unsafeRaw: Self.columns)
            """
        guard let row = try await executor.query(query).first else {
            throw ScheduleStoreError(.corruptRow, schedule: definition.name, message: "the upsert returned no row")
        }
        return try Self.record(from: row)
    }

    /// Creates `definition` as a built-in default unless a schedule of that name exists: a default
    /// an operator paused, edited or replaced stays as they left it. True when it was created now.
    @discardableResult
    public func createIfAbsent(_ definition: ScheduleDefinition, registry: JobKindRegistry, now: Date = Date()) async throws -> Bool {
        let next = try Self.firstFiring(definition, registry: registry, after: now)
        let result = try await executor.query(
            """
            INSERT INTO schedules (name, cron, time_zone, kind, queue, payload, missed, source, next_fire_at)
            VALUES (\(definition.name), \(definition.cron), \(definition.timeZone), \(definition.kind), \(definition.queue),
                    \(PostgresJSON(bytes: definition.payload.jsonBytes)), \(definition.missed.rawValue), 'default', \(next))
            ON CONFLICT (name) DO NOTHING RETURNING name
            """)
        return !result.rows.isEmpty
    }

    /// Stops a schedule firing; nil when there is none of that name.
    public func pause(_ name: String) async throws -> ScheduleRecord? {
        try await executor.query("UPDATE schedules SET paused = true WHERE name = \(name) RETURNING \(unsafeRaw: Self.columns)").first.map(Self.record(from:))
    }

    /// Lets a paused schedule fire again, from its next firing after `now`: what fell in the pause
    /// was stopped on purpose, so it is not caught up. Nil when there is none of that name.
    public func resume(_ name: String, registry: JobKindRegistry, now: Date = Date()) async throws -> ScheduleRecord? {
        guard let record = try await get(name) else { return nil }
        guard record.paused else { return record }
        let next = try Self.firstFiring(record.definition, registry: registry, after: now)
        return try await executor.query(
            "UPDATE schedules SET paused = false, next_fire_at = \(next) WHERE name = \(name) RETURNING \(unsafeRaw: Self.columns)").first.map(Self.record(from:))
    }

    /// Deletes a schedule and its firings; false when there was none of that name.
    @discardableResult
    public func remove(_ name: String) async throws -> Bool {
        !(try await executor.query("DELETE FROM schedules WHERE name = \(name) RETURNING name").rows.isEmpty)
    }

    /// The due schedules (not paused, next firing at or before `now`), earliest first, locked for
    /// this transaction; rows another transaction holds are passed over, not waited for.
    public func lockDue(now: Date, limit: Int) async throws -> [ScheduleRecord] {
        try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM schedules WHERE NOT paused AND next_fire_at <= \(now)
            ORDER BY next_fire_at, name LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """
        ).map(Self.record(from:))
    }

    /// Records one firing; false when it was already recorded (the primary key refuses a second).
    @discardableResult
    public func recordFiring(schedule: String, fireAt: Date, jobID: JobID, fence: UInt64) async throws -> Bool {
        let result = try await executor.query(
            """
            INSERT INTO schedule_firings (schedule, fire_at, job_id, fence)
            VALUES (\(schedule), \(fireAt), \(jobID.uuid), \(Int64(clamping: fence)))
            ON CONFLICT (schedule, fire_at) DO NOTHING RETURNING schedule
            """)
        return !result.rows.isEmpty
    }

    /// Moves a schedule on to its next firing after the ones just enqueued.
    public func advance(_ name: String, nextFireAt: Date?, lastFiredAt: Date?) async throws {
        try await executor.query(
            """
            UPDATE schedules SET next_fire_at = \(nextFireAt), last_fired_at = coalesce(\(lastFiredAt), last_fired_at)
            WHERE name = \(name)
            """)
    }

    /// A schedule's firings, oldest first.
    public func firings(of schedule: String, limit: Int = 1_000) async throws -> [ScheduleFiringRecord] {
        try await executor.query(
            """
            SELECT schedule, fire_at, job_id, fence, enqueued_at FROM schedule_firings
            WHERE schedule = \(schedule) ORDER BY fire_at LIMIT \(limit)
            """
        ).map { row in
            ScheduleFiringRecord(
                schedule: try row.decode(0, as: String.self), fireAt: try row.decode(1, as: Date.self),
                jobID: JobID(uuid: try row.decode(2, as: UUID.self)), fence: UInt64(max(0, try row.decode(3, as: Int64.self))),
                enqueuedAt: try row.decode(4, as: Date.self))
        }
    }

    /// The projects a `$for_each: open_project` firing fans out to: planned and active ones.
    public func openProjectIDs() async throws -> [UUID] {
        try await executor.query("SELECT id FROM projects WHERE status IN ('planned', 'active') ORDER BY id").map {
            try $0.decode(0, as: UUID.self)
        }
    }

    /// Dead jobs per queue and kind whose last run ended after `since` (from the job history, so
    /// workers running with `--history none` are not counted), most first.
    public func deadLetters(since: Date) async throws -> [(queue: String, kind: String, count: Int)] {
        try await executor.query(
            """
            SELECT queue, kind, count(DISTINCT job_id)::bigint FROM job_runs
            WHERE outcome = 'dead' AND finished_at > \(since) GROUP BY queue, kind ORDER BY 3 DESC, 1, 2
            """
        ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self), Int(try $0.decode(2, as: Int64.self))) }
    }

    /// The first firing of `definition` after `now`, once it passes its checks.
    static func firstFiring(_ definition: ScheduleDefinition, registry: JobKindRegistry, after now: Date) throws -> Date? {
        do {
            let (expression, zone) = try definition.validate(registry: registry)
            return expression.nextFiring(after: now, in: zone)
        } catch {
            throw ScheduleStoreError(.invalidDefinition, schedule: definition.name, field: error.field, message: error.message)
        }
    }

    static func record(from row: PostgresRow) throws -> ScheduleRecord {
        let name = try row.decode(0, as: String.self)
        let payload = try JSONValue.parse(try row.decode(5, as: PostgresJSON.self).bytes)
        guard let missed = ScheduleDefinition.MissedFirings(rawValue: try row.decode(6, as: String.self)),
            let source = ScheduleRecord.Source(rawValue: try row.decode(8, as: String.self))
        else { throw ScheduleStoreError(.corruptRow, schedule: name, message: "schedules.missed or source holds an unknown value") }
        return ScheduleRecord(
            definition: ScheduleDefinition(
                name: name, cron: try row.decode(1, as: String.self), timeZone: try row.decode(2, as: String.self),
                kind: try row.decode(3, as: String.self), queue: try row.decode(4, as: String?.self), payload: payload,
                missed: missed),
            paused: try row.decode(7, as: Bool.self), source: source, nextFireAt: try row.decode(9, as: Date?.self),
            lastFiredAt: try row.decode(10, as: Date?.self), createdAt: try row.decode(11, as: Date.self),
            updatedAt: try row.decode(12, as: Date.self))
    }
}
