import Synchronization

/// An in-process driver with the same semantics as the Redis one, for tests of workers, retries
/// and shutdown with no server. Not durable and not shared between processes.
public final class MemoryJobQueueDriver: JobQueueBackend, QueueListing {
    public struct Configuration: Sendable {
        public var maxEncodedBytes = JobEnvelope.defaultMaxEncodedBytes
        /// How long a completed or cancelled job stays readable.
        public var completedRetentionMs: Int64 = 5 * 60 * 1000
        /// Events kept per queue, as the Redis driver's `MAXLEN ~ 1000`.
        public var eventsKept = 1_000
        public var deadLetter = DeadLetterRetention.default
        public var leaseLapses = LeaseLapsePolicy()
        public init() {}
    }

    struct Record {
        var body: [UInt8]
        var priority: Int
        var state: JobState
        var attempt = 0
        /// Lease lapses so far (see `LeaseLapsePolicy`).
        var lapses = 0
        var maxAttempts: Int
        /// The fencing token of the lease that holds it.
        var owner: LeaseToken?
        var lastError: String?
        var progress: Int?
        var progressMessage: String?
        var cancelRequested = false
        var updatedAtMs: Int64
        var readyAtMs: Int64
        var expiresAtMs: Int64?
    }

    struct Queue {
        var ready: [Int: [JobID]] = [:]
        var leased: [JobID: Int64] = [:]
        var delayed: [JobID: Int64] = [:]
        var dead: [JobID: Int64] = [:]
        var unique: [String: (id: JobID, expiresAtMs: Int64)] = [:]
        var processed = 0, failed = 0, retried = 0, reclaimed = 0
        var events: [JobEvent] = []
        var eventSeq = 0
    }

    struct State {
        var jobs: [JobID: Record] = [:]
        var queues: [QueueName: Queue] = [:]
        var waiters: [Int: (queues: Set<QueueName>, continuation: CheckedContinuation<Bool, Never>)] = [:]
        var nextWaiter = 0
        /// Waits whose timeout fired before they registered: they must not register after.
        var expiredWaiters: Set<Int> = []
    }

    let state = Mutex(State())
    let configuration: Configuration
    let now: @Sendable () -> Int64

    public init(configuration: Configuration = Configuration(), now: @escaping @Sendable () -> Int64 = { WallClock.nowMs() }) {
        self.configuration = configuration
        self.now = now
    }

    static func event(_ q: inout Queue, _ kind: JobEvent.Kind, _ ids: [JobID], _ t: Int64, keep: Int) {
        q.eventSeq += 1
        q.events.append(JobEvent(cursor: String(q.eventSeq), kind: kind, ids: ids, atMs: t))
        if q.events.count > keep { q.events.removeFirst(q.events.count - keep) }
    }

    static func takeWaiters(_ s: inout State, for queues: Set<QueueName>) -> [CheckedContinuation<Bool, Never>] {
        guard !queues.isEmpty else { return [] }
        let keys = s.waiters.filter { !$0.value.queues.isDisjoint(with: queues) }.map(\.key)
        return keys.compactMap { s.waiters.removeValue(forKey: $0)?.continuation }
    }
}
