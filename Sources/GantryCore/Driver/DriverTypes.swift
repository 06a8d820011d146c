/// The answer to one enqueued job.
public struct EnqueueResult: Sendable, Hashable {
    public var id: JobID
    /// False when a job with the same unique key already held it: `id` is then that job's.
    public var enqueued: Bool
    public init(id: JobID, enqueued: Bool) {
        self.id = id
        self.enqueued = enqueued
    }
}

/// One lease of one job, as the holder presents it to extend, ack, fail, release or report
/// progress: the job's ID and the lease's own fencing token.
///
/// The token, not the worker's ID, proves ownership: when a lease lapses while its run goes on
/// (a worker cut off from Redis for longer than the lease) and the job is leased again, even to
/// the same worker, the two runs hold different tokens, so the old run can never settle, extend or
/// report for the new one.
public struct Lease: Sendable, Hashable, CustomStringConvertible {
    public var id: JobID
    public var token: LeaseToken
    public init(id: JobID, token: LeaseToken) {
        self.id = id
        self.token = token
    }
    public var description: String { "\(id)@\(token)" }
}

/// A lease's fencing token: `<consumer>/<16 hex digits>`, made by the driver for every lease call.
/// The random part is made by the client, not counted by Redis, so a Redis restart that loses its
/// last second of writes can never hand out a token twice.
public struct LeaseToken: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A new token for one lease call by `consumer`.
    public static func make(consumer: String) -> LeaseToken {
        let hex = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return LeaseToken(rawValue: "\(consumer)/\(String(repeating: "0", count: 16 - hex.count))\(hex)")
    }

    /// The consumer that leased, for display.
    public var consumer: Substring { rawValue[..<(rawValue.lastIndex(of: "/") ?? rawValue.endIndex)] }
    public var description: String { rawValue }
}

/// A job handed to a consumer: its envelope (with the current attempt, 1 on first run), the
/// lease's fencing token, and its deadline.
public struct LeasedJob: Sendable, Hashable {
    public var envelope: JobEnvelope
    public var token: LeaseToken
    public var leaseDeadlineMs: Int64
    public init(envelope: JobEnvelope, token: LeaseToken, leaseDeadlineMs: Int64) {
        self.envelope = envelope
        self.token = token
        self.leaseDeadlineMs = leaseDeadlineMs
    }
    public var id: JobID { envelope.id }
    public var lease: Lease { Lease(id: envelope.id, token: token) }
}

/// What a heartbeat learnt, per lease (a worker may hold a lapsed lease and the new one of the
/// same job at once, so IDs alone would be ambiguous).
public struct LeaseExtension: Sendable, Hashable {
    public var extended: [Lease]
    /// No longer held: lapsed and reclaimed, cancelled, finished, or replaced by another lease.
    public var lost: [Lease]
    public var cancelRequested: [Lease]
    public init(extended: [Lease] = [], lost: [Lease] = [], cancelRequested: [Lease] = []) {
        self.extended = extended
        self.lost = lost
        self.cancelRequested = cancelRequested
    }
}

public struct JobFailure: Sendable, Hashable {
    public var lease: Lease
    public var error: String
    /// nil: permanent, straight to the dead letter whatever the attempts left.
    public var retryDelayMs: Int64?
    public init(lease: Lease, error: String, retryDelayMs: Int64?) {
        self.lease = lease
        self.error = error
        self.retryDelayMs = retryDelayMs
    }
    public var id: JobID { lease.id }
}

public enum FailOutcome: Sendable, Hashable {
    case retrying(JobID, runAtMs: Int64)
    case dead(JobID)
    /// Its cancellation had been asked for while it ran: it ends cancelled, whatever its error.
    case cancelled(JobID)
    /// The lease was no longer held (lapsed, reclaimed, or another lease of the job); nothing changed.
    case stale(JobID)
}

public struct ReclaimResult: Sendable, Hashable {
    public var requeued: Int
    public var dead: Int
    /// Jobs whose cancellation had been asked for: they end cancelled instead of running again.
    public var cancelled: Int
    public init(requeued: Int = 0, dead: Int = 0, cancelled: Int = 0) {
        self.requeued = requeued
        self.dead = dead
        self.cancelled = cancelled
    }
}

/// How long the dead letter keeps jobs. Both bounds hold at once: the oldest go first when there
/// are more than `maxJobs`, and any older than `maxAgeMs` go. Trimmed a little at every death, so
/// Redis memory stays bounded with no sweeper. The default is Sidekiq's: 10,000 jobs, 6 months.
public struct DeadLetterRetention: Sendable, Hashable {
    public var maxJobs: Int
    public var maxAgeMs: Int64
    public init(maxJobs: Int = 10_000, maxAgeMs: Int64 = 180 * 24 * 3_600_000) {
        self.maxJobs = maxJobs
        self.maxAgeMs = maxAgeMs
    }
    public static let `default` = DeadLetterRetention()

    public func validate() throws(GantryError) {
        guard maxJobs >= 1 else { throw GantryError(.invalidOption, "the dead letter must keep at least 1 job", field: "deadMaxJobs") }
        guard maxAgeMs >= 1 else { throw GantryError(.invalidOption, "the dead letter must keep jobs for at least 1 ms", field: "deadMaxAge") }
    }
}

/// How many times a job's lease may lapse without using up an attempt. A lease lapses when its
/// worker dies, and also when a healthy worker is cut off from Redis for longer than the lease;
/// counting every lapse as an attempt would send a healthy job on its last attempt to the dead
/// letter after an outage. After `freeLapses` lapses, each further one counts, so a job that
/// kills its worker every time still ends in the dead letter.
public struct LeaseLapsePolicy: Sendable, Hashable {
    public var freeLapses: Int
    public init(freeLapses: Int = 3) { self.freeLapses = freeLapses }
}

/// A bulk enqueue that stored some jobs and not others (a Redis error on one chunk of a large
/// batch): `results[i]` is the answer for the i-th job asked for, nil for a job that was not
/// taken, so the caller can retry exactly those.
public struct PartialEnqueueError: Error, Sendable, CustomStringConvertible {
    public var results: [EnqueueResult?]
    public var underlying: GantryError
    public init(results: [EnqueueResult?], underlying: GantryError) {
        self.results = results
        self.underlying = underlying
    }
    public var taken: Int { results.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
    public var description: String {
        "enqueue stored \(taken) of \(results.count) jobs before it failed: \(underlying)"
    }
}

public enum CancelOutcome: String, Sendable, Hashable {
    case cancelled
    /// It is running: its worker sees the request at its next heartbeat.
    case cancelRequested = "cancel_requested"
    case alreadyFinished = "already_finished"
    case notFound = "not_found"
}

public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    case ready, delayed, leased, completed, dead, cancelled
}

/// What a driver knows of one job.
public struct JobInfo: Sendable, Hashable {
    public var envelope: JobEnvelope
    public var state: JobState
    public var attempt: Int
    public var lastError: String?
    public var progress: Int?
    public var progressMessage: String?
    public var cancelRequested: Bool
    public var updatedAtMs: Int64?
    public init(
        envelope: JobEnvelope, state: JobState, attempt: Int, lastError: String? = nil, progress: Int? = nil,
        progressMessage: String? = nil, cancelRequested: Bool = false, updatedAtMs: Int64? = nil
    ) {
        self.envelope = envelope
        self.state = state
        self.attempt = attempt
        self.lastError = lastError
        self.progress = progress
        self.progressMessage = progressMessage
        self.cancelRequested = cancelRequested
        self.updatedAtMs = updatedAtMs
    }
}

public struct QueueStats: Sendable, Hashable, Codable {
    public var queue: String
    public var ready: Int
    public var leased: Int
    public var delayed: Int
    public var dead: Int
    public var processed: Int
    public var failed: Int
    public var retried: Int
    public var reclaimed: Int
    /// Age of the oldest ready job: how long the next job has waited (queue latency).
    public var oldestReadyAgeMs: Int64?
    public init(
        queue: String, ready: Int = 0, leased: Int = 0, delayed: Int = 0, dead: Int = 0, processed: Int = 0,
        failed: Int = 0, retried: Int = 0, reclaimed: Int = 0, oldestReadyAgeMs: Int64? = nil
    ) {
        self.queue = queue
        self.ready = ready
        self.leased = leased
        self.delayed = delayed
        self.dead = dead
        self.processed = processed
        self.failed = failed
        self.retried = retried
        self.reclaimed = reclaimed
        self.oldestReadyAgeMs = oldestReadyAgeMs
    }
}

/// One state change of a batch of jobs (events are per transition, not per job, to keep the hot
/// path cheap: a lease of 500 jobs is one event).
public struct JobEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case enqueued, leased, acked, retrying, dead, released, promoted, reclaimed, cancelled, cancelRequested = "cancel_requested", revived, progress
    }
    public var cursor: String
    public var kind: Kind
    public var ids: [JobID]
    public var atMs: Int64
    public init(cursor: String, kind: Kind, ids: [JobID], atMs: Int64) {
        self.cursor = cursor
        self.kind = kind
        self.ids = ids
        self.atMs = atMs
    }
}
