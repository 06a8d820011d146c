import FoundationEssentials
import GantryCore
import GantryPostgresStore
import Logging

/// Fires due schedules: the leader's duty that turns `schedules.next_fire_at` into jobs.
///
/// ## Exactly once, whoever leads and whenever it crashes
///
/// One round is one PostgreSQL transaction that, in this order:
/// 1. claims the fence with the term's token (a superseded leader stops here, having done nothing;
///    the claim also locks the fence row, so two leaders' rounds never interleave);
/// 2. locks the due schedules `FOR UPDATE SKIP LOCKED`;
/// 3. enqueues each due firing to Redis, with a unique key `schedule:<name>:<fireAtMs>` (per
///    project for a fan-out) held for two days, and a job ID derived from the same key;
/// 4. inserts its `schedule_firings` row and advances `next_fire_at`;
/// 5. commits.
///
/// The enqueue comes before the commit, never after. A crash (or a failed commit, or a lost term)
/// after the enqueue and before the commit leaves the jobs in Redis and the schedule where it was:
/// the next round, by this leader or the next, finds the same firing due, and its enqueue is
/// refused by the unique key, answering the job that is already there, whose ID is then recorded.
/// Nothing is doubled. A crash before the enqueue leaves nothing at all, and the next round
/// enqueues the firing: nothing is lost. The other order (commit, then enqueue) would lose the
/// firing when the process died between the two, since the committed row says it was done.
/// The unique keys outlive any plausible gap between an enqueue and its retry (two days).
public struct ScheduleFirer: CoordinatorDuty {
    public let name = "schedules"
    public let interval: Duration
    let store: GantryStore
    let queue: JobQueue
    let metrics: CoordinatorMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    /// How long a firing's unique key holds.
    public static let uniqueForMs: Int64 = 2 * 24 * 3_600_000
    /// Most schedules one round fires; the rest are due in the next.
    static let schedulesPerRound = 50

    public init(
        store: GantryStore, queue: JobQueue, metrics: CoordinatorMetrics, interval: Duration = .milliseconds(500),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.store = store
        self.queue = queue
        self.metrics = metrics
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    public func perform(in term: LeaderTerm) async throws {
        _ = try await fireDue(in: term)
    }

    /// One firing enqueued in a round.
    public struct Firing: Sendable, Hashable {
        public var schedule: String
        public var fireAt: Date
        public var jobIDs: [JobID]
    }

    /// Fires every schedule due at `now` (see the type's comment for the order of the steps).
    @discardableResult
    public func fireDue(in term: LeaderTerm) async throws -> [Firing] {
        let now = now()
        let firings = try await store.transaction { tx -> [Firing] in
            try await tx.coordinatorFence.claim(term.token, holder: term.coordinatorID)
            var firings: [Firing] = []
            for record in try await tx.schedules.lockDue(now: now, limit: Self.schedulesPerRound) {
                try term.checkCurrent()
                firings += try await fire(record, now: now, term: term, tx: tx)
            }
            return firings
        }
        for (schedule, group) in Dictionary(grouping: firings, by: \.schedule) { metrics.fired(schedule, count: group.count) }
        return firings
    }

    private func fire(_ record: ScheduleRecord, now: Date, term: LeaderTerm, tx: StoreTransaction) async throws -> [Firing] {
        let definition = record.definition
        guard let first = record.nextFireAt else { return [] }
        let expression: CronExpression
        let zone: TimeZone
        do {
            (expression, zone) = try definition.validate(registry: queue.registry)
        } catch {
            // A row that no longer passes (edited by hand, a kind since removed) would be due at
            // every round: it stops firing, loudly, until it is fixed.
            logger.error("schedule cannot fire; it waits until fixed", metadata: ["schedule": "\(definition.name)", "error": "\(error)"])
            try await tx.schedules.advance(definition.name, nextFireAt: nil, lastFiredAt: nil)
            return []
        }
        var due: [Date] = []
        var next: Date? = first
        var steps = 0
        // Bounded work per round: a schedule far behind goes on in the next round.
        while let n = next, n <= now, steps < 10_000 {
            if definition.missed == .catchUp, due.count == ScheduleDefinition.maxCatchUpPerTick { break }
            steps += 1
            if definition.missed == .skip { due = [n] } else { due.append(n) }
            next = expression.nextFiring(after: n, in: zone)
        }
        var firings: [Firing] = []
        for fireAt in due {
            try term.checkCurrent()
            let jobIDs = try await enqueue(definition, fireAt: fireAt, tx: tx)
            let firingID = Self.jobID(definition.name, fireAt: fireAt, project: nil)
            try await tx.schedules.recordFiring(schedule: definition.name, fireAt: fireAt, jobID: firingID, fence: term.token)
            firings.append(Firing(schedule: definition.name, fireAt: fireAt, jobIDs: jobIDs))
        }
        try await tx.schedules.advance(definition.name, nextFireAt: next, lastFiredAt: due.last)
        if !due.isEmpty {
            logger.info("schedule fired", metadata: [
                "schedule": "\(definition.name)", "firings": "\(due.count)", "token": "\(term.token)",
            ])
        }
        return firings
    }

    /// Enqueues one firing's jobs and returns their IDs.
    private func enqueue(_ definition: ScheduleDefinition, fireAt: Date, tx: StoreTransaction) async throws -> [JobID] {
        if definition.kind == ScheduleDefinition.deadLetterDigestKind {
            try await digest(since: fireAt.addingTimeInterval(-3_600), tx: tx)
            return []
        }
        let firingID = Self.jobID(definition.name, fireAt: fireAt, project: nil)
        let fireMs = Self.milliseconds(fireAt)
        var envelopes: [JobEnvelope] = []
        func add(project: String?) throws {
            let key = "schedule:\(definition.name):\(fireMs)" + (project.map { ":\($0)" } ?? "")
            var envelope = try queue.envelope(
                for: JobRequest(
                    kind: definition.kind, payload: definition.jobPayload(projectID: project),
                    queue: try definition.queue.map { try QueueName($0) }, uniqueKey: key, uniqueForMs: Self.uniqueForMs,
                    projectID: project, parentID: project == nil ? nil : firingID))
            envelope.id = Self.jobID(definition.name, fireAt: fireAt, project: project)
            envelopes.append(envelope)
        }
        if definition.forEach == ScheduleDefinition.forEachOpenProject {
            for project in try await tx.schedules.openProjectIDs() { try add(project: project.uuidString.lowercased()) }
        } else {
            try add(project: nil)
        }
        var ids: [JobID] = []
        for start in stride(from: 0, to: envelopes.count, by: 1_000) {
            let results = try await queue.driver.enqueue(Array(envelopes[start..<min(start + 1_000, envelopes.count)]))
            ids += results.map(\.id)
        }
        return ids
    }

    /// The dead-letter digest: dead jobs per queue and kind since `since`, logged and exported.
    private func digest(since: Date, tx: StoreTransaction) async throws {
        let rows = try await tx.schedules.deadLetters(since: since)
        for row in rows { metrics.deadLetters(queue: row.queue, kind: row.kind, count: row.count) }
        let total = rows.reduce(0) { $0 + $1.count }
        logger.notice("dead-letter digest", metadata: [
            "dead_last_hour": "\(total)",
            "by_queue_and_kind": "\(rows.map { "\($0.queue)/\($0.kind)=\($0.count)" }.joined(separator: ", "))",
        ])
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// A job ID that is the same every time the same firing is enqueued: a UUIDv7 whose time is the
    /// firing's and whose other bits are a hash of its unique key, so a retried enqueue names the
    /// same job.
    static func jobID(_ schedule: String, fireAt: Date, project: String?) -> JobID {
        let ms = UInt64(max(0, milliseconds(fireAt)))
        let key = "schedule:\(schedule):\(ms)" + (project.map { ":\($0)" } ?? "")
        let r1 = fnv1a(key, seed: 0xcbf2_9ce4_8422_2325)
        let r2 = fnv1a(key, seed: 0x8422_2325_cbf2_9ce4)
        return JobID(timestampMilliseconds: ms, bits: r1, r2)
    }

    private static func fnv1a(_ text: String, seed: UInt64) -> UInt64 {
        var hash = seed
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
