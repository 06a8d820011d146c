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

/// A job handed to a consumer: its envelope (with the current attempt, 1 on first run) and deadline.
public struct LeasedJob: Sendable, Hashable {
    public var envelope: JobEnvelope
    public var leaseDeadlineMs: Int64
    public init(envelope: JobEnvelope, leaseDeadlineMs: Int64) {
        self.envelope = envelope
        self.leaseDeadlineMs = leaseDeadlineMs
    }
    public var id: JobID { envelope.id }
}

public struct LeaseExtension: Sendable, Hashable {
    public var extended: [JobID]
    /// No longer leased by this consumer: reclaimed, cancelled or finished elsewhere.
    public var lost: [JobID]
    public var cancelRequested: [JobID]
    public init(extended: [JobID] = [], lost: [JobID] = [], cancelRequested: [JobID] = []) {
        self.extended = extended
        self.lost = lost
        self.cancelRequested = cancelRequested
    }
}

public struct JobFailure: Sendable, Hashable {
    public var id: JobID
    public var error: String
    /// nil: permanent, straight to the dead letter whatever the attempts left.
    public var retryDelayMs: Int64?
    public init(id: JobID, error: String, retryDelayMs: Int64?) {
        self.id = id
        self.error = error
        self.retryDelayMs = retryDelayMs
    }
}

public enum FailOutcome: Sendable, Hashable {
    case retrying(JobID, runAtMs: Int64)
    case dead(JobID)
    /// The consumer no longer held the lease; nothing changed.
    case stale(JobID)
}

public struct ReclaimResult: Sendable, Hashable {
    public var requeued: Int
    public var dead: Int
    public init(requeued: Int = 0, dead: Int = 0) {
        self.requeued = requeued
        self.dead = dead
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
