import FoundationEssentials
import Glibc
import GantryPostgres

/// Claims, finishes and reads notification deliveries (`notification_deliveries`), and records
/// their attempts (`notification_attempts`).
///
/// At most once per (project, event, recipient): a sender first `claim`s the row, which either
/// inserts it or takes over a pending one that nobody holds (or whose holder's claim has run out),
/// in one statement on the table's `UNIQUE (project_id, event_id, recipient)` (migration 8; event
/// ids are the producer's, and two projects may use the same one). Two runs racing for one delivery
/// therefore cannot both hold it; a finished (`sent`, `failed`) row is never claimed again. Marking
/// a delivery finished only succeeds for the claim's holder, and happens in the statement that
/// records the try (`recordAttempt(…finish:)`), so no state exists where a receiver's 2xx is
/// recorded and the delivery still looks unsent.
public struct NotificationDeliveryRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// What `claim` found.
    public enum Claim: Sendable, Hashable {
        /// The caller holds the delivery until its claim runs out and must send it. The record's
        /// `message` is the one stored by the first claim, which may predate this caller's draft.
        case claimed(NotificationDeliveryRecord)
        /// Sent or failed already: nothing to do.
        case finished(NotificationDeliveryRecord)
        /// Another run holds it until `claimedUntil`.
        case busy(NotificationDeliveryRecord)
    }

    /// Inserts the delivery, or takes over its pending row, for the run `token` for `holdMs`.
    ///
    /// `token` identifies one run, not one job: a job that runs again after its worker died finds
    /// its old claim busy until it runs out, so two runs of one job can never send together either.
    public func claim(_ draft: NewNotificationDelivery, token: UUID, holdMs: Int64) async throws -> Claim {
        let seconds = Double(max(0, holdMs)) / 1000
        let result = try await executor.query(
            """
            INSERT INTO notification_deliveries AS d
                (id, event_id, event_type, project_id, recipient, channel, endpoint_id, target, subject, message,
                 claimed_by, claimed_until)
            VALUES (\(draft.id), \(draft.eventID), \(draft.eventType), \(draft.projectID), \(draft.recipient),
                    \(draft.channel.rawValue), \(draft.endpointID), \(NotificationText.storable(draft.target)),
                    \(NotificationText.storable(draft.subject)), \(draft.message),
                    \(token), now() + make_interval(secs => \(seconds)))
            ON CONFLICT (project_id, event_id, recipient) DO UPDATE
                SET claimed_by = EXCLUDED.claimed_by, claimed_until = EXCLUDED.claimed_until
                WHERE d.state = 'pending' AND (d.claimed_by IS NULL OR d.claimed_until < now())
            RETURNING \(unsafeRaw: Self.columns)
            """)
        if let row = result.first { return .claimed(try Self.delivery(from: row)) }
        guard let existing = try await delivery(projectID: draft.projectID, eventID: draft.eventID, recipient: draft.recipient)
        else {
            // Deleted between the two statements (its project was deleted): nothing left to send.
            throw NotificationStoreError(
                .deliveryNotFound, message: "delivery of \(draft.eventID) to \(draft.recipient) vanished while claimed")
        }
        return existing.state == .pending ? .busy(existing) : .finished(existing)
    }

    /// Marks the delivery failed for good, if `token` still holds it.
    @discardableResult
    public func markFailed(_ id: UUID, token: UUID, responseCode: Int?, error: String) async throws -> Bool {
        try await finish(id, token: token, state: .failed, responseCode: responseCode, error: error)
    }

    func finish(_ id: UUID, token: UUID, state: NotificationDeliveryRecord.State, responseCode: Int?, error: String?)
        async throws -> Bool
    {
        let result = try await executor.query(
            """
            UPDATE notification_deliveries
            SET state = \(state.rawValue), finished_at = now(), claimed_by = NULL, claimed_until = NULL,
                response_code = \(responseCode), last_error = \(NotificationText.storable(error))
            WHERE id = \(id) AND claimed_by = \(token) AND state = 'pending'
            """)
        return result.affectedRows == 1
    }

    /// Gives a still-pending delivery back (a transient failure), so a later run may claim it at once.
    @discardableResult
    public func release(_ id: UUID, token: UUID, responseCode: Int?, error: String?) async throws -> Bool {
        let result = try await executor.query(
            """
            UPDATE notification_deliveries
            SET claimed_by = NULL, claimed_until = NULL, response_code = \(responseCode),
                last_error = \(NotificationText.storable(error))
            WHERE id = \(id) AND claimed_by = \(token) AND state = 'pending'
            """)
        return result.affectedRows == 1
    }

    /// How a try ends its delivery, recorded in the same statement as the try.
    public enum Finish: Sendable, Hashable {
        case sent
        /// Refused for good, with the reason kept as `last_error`.
        case failed(String)
    }

    /// What `recordAttempt(…finish:)` wrote.
    public struct RecordedAttempt: Sendable, Hashable {
        /// 1 for the first try of the delivery.
        public var attemptNo: Int
        /// The delivery is finished as asked; false when the caller's claim had run out and another
        /// run holds it (the try is still recorded), or when nothing was to finish.
        public var finished: Bool
    }

    /// Records one try, counts it on the delivery and, with `finish`, marks the delivery sent or
    /// failed if `token` still holds it: one statement, so a receiver's answer is never half
    /// recorded. `attemptID` names the try: running the call again after an error whose outcome is
    /// unknown (a connection lost after COMMIT) returns the first call's result and writes nothing.
    public func recordAttempt(
        _ deliveryID: UUID, attemptID: UUID, token: UUID, jobID: UUID, outcome: NotificationAttemptRecord.Outcome,
        responseCode: Int?, latencyMs: Int, error: String?, finish: Finish?
    ) async throws -> RecordedAttempt {
        let finishing = finish != nil
        let state: String
        let lastError: String?
        switch finish {
        case .sent?: (state, lastError) = (NotificationDeliveryRecord.State.sent.rawValue, nil)
        case .failed(let why)?: (state, lastError) = (NotificationDeliveryRecord.State.failed.rawValue, why)
        case nil: (state, lastError) = (NotificationDeliveryRecord.State.pending.rawValue, nil)
        }
        let code = responseCode.map { Int32(clamping: $0) }
        let result = try await executor.query(
            """
            WITH prior AS (
                SELECT attempt_no FROM notification_attempts WHERE attempt_id = \(attemptID)
            ), current AS (
                SELECT id, (claimed_by = \(token) AND state = 'pending') AS owned
                FROM notification_deliveries
                WHERE id = \(deliveryID) AND NOT EXISTS (SELECT 1 FROM prior)
                FOR UPDATE
            ), counted AS (
                UPDATE notification_deliveries AS d
                SET attempts = d.attempts + 1,
                    state = CASE WHEN c.owned AND \(finishing) THEN \(state) ELSE d.state END,
                    finished_at = CASE WHEN c.owned AND \(finishing) THEN now() ELSE d.finished_at END,
                    claimed_by = CASE WHEN c.owned AND \(finishing) THEN NULL ELSE d.claimed_by END,
                    claimed_until = CASE WHEN c.owned AND \(finishing) THEN NULL ELSE d.claimed_until END,
                    response_code = CASE WHEN c.owned AND \(finishing) THEN \(code) ELSE d.response_code END,
                    last_error = CASE WHEN c.owned AND \(finishing) THEN \(NotificationText.storable(lastError))
                                      ELSE d.last_error END
                FROM current AS c
                WHERE d.id = c.id
                RETURNING d.attempts, (c.owned AND \(finishing)) AS finished
            ), recorded AS (
                INSERT INTO notification_attempts
                    (attempt_id, delivery_id, attempt_no, job_id, outcome, response_code, latency_ms, error)
                SELECT \(attemptID), \(deliveryID), attempts, \(jobID), \(outcome.rawValue), \(code),
                       \(Int32(clamping: max(0, latencyMs))), \(NotificationText.storable(error))
                FROM counted
                RETURNING attempt_no
            )
            SELECT r.attempt_no, c.finished FROM recorded AS r CROSS JOIN counted AS c
            UNION ALL
            SELECT p.attempt_no, (SELECT state <> 'pending' FROM notification_deliveries WHERE id = \(deliveryID))
            FROM prior AS p
            """)
        guard let row = result.first else {
            throw NotificationStoreError(.deliveryNotFound, deliveryID: deliveryID, message: "no delivery \(deliveryID)")
        }
        return RecordedAttempt(
            attemptNo: try row.decode(0, as: Int.self), finished: try row.decode(1, as: Bool?.self) ?? false)
    }

    // MARK: Reading

    public func delivery(_ id: UUID) async throws -> NotificationDeliveryRecord? {
        let result = try await executor.query(
            "SELECT \(unsafeRaw: Self.columns) FROM notification_deliveries AS d WHERE id = \(id)")
        return try result.first.map(Self.delivery(from:))
    }

    public func delivery(projectID: UUID, eventID: String, recipient: String) async throws -> NotificationDeliveryRecord? {
        let result = try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM notification_deliveries AS d
            WHERE project_id = \(projectID) AND event_id = \(eventID) AND recipient = \(recipient)
            """)
        return try result.first.map(Self.delivery(from:))
    }

    /// The deliveries of one event (of one project, or of every project that used the event id), in
    /// the order they were first claimed.
    public func deliveries(eventID: String, projectID: UUID? = nil) async throws -> [NotificationDeliveryRecord] {
        let result = try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM notification_deliveries AS d
            WHERE event_id = \(eventID) AND (\(projectID) IS NULL OR project_id = \(projectID))
            ORDER BY created_at, recipient
            """)
        return try result.rows.map(Self.delivery(from:))
    }

    /// A project's deliveries, newest first.
    public func deliveries(of projectID: UUID, limit: Int = 100) async throws -> [NotificationDeliveryRecord] {
        let result = try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM notification_deliveries AS d
            WHERE project_id = \(projectID) ORDER BY created_at DESC, id LIMIT \(max(0, limit))
            """)
        return try result.rows.map(Self.delivery(from:))
    }

    /// The tries of one delivery, first first.
    public func attempts(of deliveryID: UUID) async throws -> [NotificationAttemptRecord] {
        let result = try await executor.query(
            """
            SELECT delivery_id, attempt_no, job_id, outcome, response_code, latency_ms, error, attempted_at
            FROM notification_attempts WHERE delivery_id = \(deliveryID) ORDER BY attempt_no
            """)
        return try result.rows.map { row in
            NotificationAttemptRecord(
                deliveryID: try row.decode(0, as: UUID.self), attemptNo: try row.decode(1, as: Int.self),
                jobID: try row.decode(2, as: UUID.self),
                outcome: try row.decodeRaw(3, as: NotificationAttemptRecord.Outcome.self),
                responseCode: try row.decode(4, as: Int?.self), latencyMs: try row.decode(5, as: Int.self),
                error: try row.decode(6, as: String?.self), attemptedAt: try row.decode(7, as: Date.self))
        }
    }

    // MARK: Rows

    static let columns = """
        d.id, d.event_id, d.event_type, d.project_id, d.recipient, d.channel, d.endpoint_id, d.target, d.subject,
        d.message, d.state, d.attempts, d.claimed_by, d.claimed_until, d.response_code, d.last_error, d.created_at,
        d.finished_at
        """

    static func delivery(from row: PostgresRow) throws -> NotificationDeliveryRecord {
        NotificationDeliveryRecord(
            delivery: NewNotificationDelivery(
                id: try row.decode(0, as: UUID.self), eventID: try row.decode(1, as: String.self),
                eventType: try row.decode(2, as: String.self), projectID: try row.decode(3, as: UUID.self),
                recipient: try row.decode(4, as: String.self), channel: try row.decodeRaw(5, as: NotificationChannel.self),
                endpointID: try row.decode(6, as: UUID?.self), target: try row.decode(7, as: String.self),
                subject: try row.decode(8, as: String.self), message: try row.decode(9, as: String.self)),
            state: try row.decodeRaw(10, as: NotificationDeliveryRecord.State.self),
            attempts: try row.decode(11, as: Int.self), claimedBy: try row.decode(12, as: UUID?.self),
            claimedUntil: try row.decode(13, as: Date?.self), responseCode: try row.decode(14, as: Int?.self),
            lastError: try row.decode(15, as: String?.self), createdAt: try row.decode(16, as: Date.self),
            finishedAt: try row.decode(17, as: Date?.self))
    }
}
