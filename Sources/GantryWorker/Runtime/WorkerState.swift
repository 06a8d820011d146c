import GantryCore

/// A job this worker is running or has finished but not yet acked.
struct RunningJob: Sendable {
    var envelope: JobEnvelope
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
        /// Lease lost: another worker owns it now; record only.
        case none
        /// Handed back unfinished.
        case release
    }
    var record: JobRunRecord
    var disposition: Disposition
}

struct WorkerState: Sendable {
    var running: [JobID: RunningJob] = [:]
    var unflushed: [JobID: Completion] = [:]
    var draining = false
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
