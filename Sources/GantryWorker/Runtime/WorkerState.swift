import GantryCore

/// A job this worker is running.
struct RunningJob: Sendable {
    var envelope: JobEnvelope
    /// The lease it runs under: only this lease's outcome may settle the job.
    var lease: Lease
    var startedAtMs: Int64
    /// When the watchdog stops it (start + the job's timeout).
    var deadlineMs: Int64
    var task: Task<Void, Never>?
    /// Why the worker stopped it, when it did.
    var stopReason: StopReason?
}

enum StopReason: Sendable, Hashable {
    case cancelRequested, leaseLost, released, timedOut
}

/// A finished job waiting for the flush: its history record and what to tell the queue.
struct Completion: Sendable {
    enum Disposition: Sendable {
        case ack
        case fail(retryDelayMs: Int64?)
        /// Another worker owns the lease now: record the run, change nothing in the queue.
        case leaseLost
        /// Handed back unfinished.
        case release
    }
    var lease: Lease
    var record: JobRunRecord
    var disposition: Disposition
    /// Set once the record is in the history store, so a flush retried after a queue error does
    /// not write the run twice.
    var recorded = false
}

struct WorkerState: Sendable {
    /// At most one run per job ID: a worker never runs the same job twice at once.
    var running: [JobID: RunningJob] = [:]
    /// New leases of jobs whose earlier run (its lease lapsed) is still stopping here; each starts
    /// when that run has ended. Their leases are renewed meanwhile.
    var deferred: [JobID: LeasedJob] = [:]
    /// Keyed by lease: a lapsed run's completion and the new run's may both wait for the flush.
    var unflushed: [Lease: Completion] = [:]
    var draining = false
    /// When a draining worker stops trying to flush: past it, the leases of what is left lapse and
    /// other workers run those jobs again (their effects are recorded once, so nothing doubles).
    var flushGiveUpAtMs: Int64?
    var flushBusy = false
    var jobsDone = 0
    var slotWaiters: [CheckedContinuation<Void, Never>] = []
    var flushWaiter: CheckedContinuation<Void, Never>?

    var unflushedCount: Int { unflushed.count }

    mutating func takeSlotWaiters() -> [CheckedContinuation<Void, Never>] {
        defer { slotWaiters = [] }
        return slotWaiters
    }
}
