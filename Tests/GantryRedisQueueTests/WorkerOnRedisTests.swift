import GantryCore
import GantryRedis
@testable import GantryRedisQueue
import GantryTesting
import GantryWorker
import Synchronization
import Testing

/// The real worker against a real redis-server, for what only the two together can show: fenced
/// leases under a run whose lease lapsed, flushes retried after a Redis error, values from before
/// the bounds.
@Suite("Worker on Redis")
struct WorkerOnRedisTests {
    @Test
    func leaseLapsedUnderARunningJobAndReLeasedToTheSameWorkerCountsExactlyOneRun() async throws {
        try await withHarness(.redis) { h in
            let redis = try #require(h.driver as? RedisJobQueueDriver)
            let gate = Gate()
            let history = HistoryLog()
            let id = try await h.queue.enqueue(JobRequest(kind: "gantry.noop", payload: [:], queue: h.name)).id
            var handlers = HandlerRegistry()
            handlers.register(GatedHandler(gate: gate))
            let worker = try Worker(
                configuration: WorkerConfiguration(
                    // No maintenance of its own during the test (an hour): only the test reclaims, exactly once,
                    // so the lapse it makes is the only one, however slowly a loaded machine runs the heartbeat.
                    queues: [(h.name, 1)], concurrency: 4, leaseMs: 10_000, maintenanceIntervalMs: 3_600_000, idleWaitMs: 100,
                    workerID: "w-fence"),
                driver: h.driver, handlers: handlers, history: history)
            let run = Task { try await worker.run() }
            defer { run.cancel() }
            #expect(try await eventually(timeoutMs: 20_000) { gate.runs == 1 })
            let owners = redis.key(h.name, "owners")
            let oldToken = try await redis.pool.send(["HGET", owners, RedisArgument(id.description)]).string
            #expect(oldToken?.hasPrefix("w-fence/") == true)

            // The lease lapses under the running job (as when the worker is cut off from Redis for
            // longer than the lease), is reclaimed, and comes back to the same worker.
            // A heartbeat between the two calls may push the deadline back; then the next round tries again.
            let reclaimed = try await eventually(timeoutMs: 20_000) {
                _ = try await redis.pool.send(["ZADD", redis.key(h.name, "leased"), "XX", "0", RedisArgument(id.description)])
                return try await redis.driverReclaim(h.name) == 1
            }
            #expect(reclaimed)
            let releasedToSameWorker = try await eventually(timeoutMs: 20_000) {
                let token = try await redis.pool.send(["HGET", owners, RedisArgument(id.description)]).string
                return token != nil && token != oldToken && token?.hasPrefix("w-fence/") == true
            }
            #expect(releasedToSameWorker)
            // The owner changes in Redis when the lease script runs; the worker learns of the new lease
            // when the reply reaches it. Opening the gate before then would let the first run finish as
            // if its lease still held (a race of the test, seen on a loaded machine).
            #expect(try await eventually(timeoutMs: 20_000) { worker.snapshot.deferred == 1 })
            // The first run is still going (it ignores cancellation); the second must not start
            // beside it, and the first's success must not complete the job.
            #expect(gate.runs == 1)
            gate.open()
            #expect(try await eventually(timeoutMs: 20_000) { try await h.driver.job(queue: h.name, id: id)?.state == .completed })
            #expect(gate.runs == 2 && gate.maxConcurrent == 1)
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.processed == 1 && stats.dead == 0)
            #expect(try await eventually(timeoutMs: 10_000) { history.all.count == 2 })
            let outcomes = history.all.map(\.outcome)
            #expect(outcomes.filter { $0 == .succeeded }.count == 1 && outcomes.contains(.cancelled))
            #expect(history.all.first { $0.outcome == .succeeded }?.result == ["run": 2])
            worker.beginDrain()
            try await run.value
        }
    }

    @Test
    func flushRetriedAfterARedisErrorRecordsEachRunOnce() async throws {
        try await withHarness(.redis) { h in
            let history = HistoryLog()
            let flaky = DriverProbe(h.driver, failFirstAck: true)
            var ids: Set<JobID> = []
            for i in 0..<20 { ids.insert(try await h.queue.enqueue(JobRequest(kind: "gantry.noop", payload: ["i": .integer(Int64(i))], queue: h.name)).id) }
            let worker = try Worker(
                configuration: WorkerConfiguration(queues: [(h.name, 1)], concurrency: 8, maintenanceIntervalMs: 50, idleWaitMs: 100, workerID: "w-flaky"),
                driver: flaky, handlers: .builtIn, history: history)
            let run = Task { try await worker.run() }
            defer { run.cancel() }
            #expect(try await eventually(timeoutMs: 30_000) { try await h.driver.stats(queue: h.name).processed == 20 })
            #expect(flaky.failedAcks == 1)
            let recorded = history.all.map(\.jobID)
            #expect(recorded.count == 20 && Set(recorded) == ids)
            worker.beginDrain()
            try await run.value
        }
    }

    @Test
    func jobStoredBeforeTheBoundsWithAHugeTimeoutRunsWithoutCrashingTheWorker() async throws {
        try await withHarness(.redis) { h in
            let redis = try #require(h.driver as? RedisJobQueueDriver)
            // Written by the script directly, as an older build without bounds would have stored it.
            let envelope = JobEnvelope(kind: "gantry.noop", queue: h.name, payload: [:], timeoutMs: .max)
            _ = try await redis.pool.run(
                QueueScripts.enqueue, keys: [redis.prefix(h.name)],
                arguments: [
                    RedisArgument(1), RedisArgument(envelope.id.description), RedisArgument(5), RedisArgument(0), "", RedisArgument(0),
                    RedisArgument(try envelope.encoded()), "",
                ])
            let worker = try Worker(
                configuration: WorkerConfiguration(queues: [(h.name, 1)], maintenanceIntervalMs: 50, idleWaitMs: 100, workerID: "w-max"),
                driver: h.driver, handlers: .builtIn)
            let run = Task { try await worker.run() }
            defer { run.cancel() }
            #expect(try await eventually(timeoutMs: 20_000) { try await h.driver.job(queue: h.name, id: envelope.id)?.state == .completed })
            worker.beginDrain()
            try await run.value
        }
    }
}

extension RedisJobQueueDriver {
    fileprivate func driverReclaim(_ queue: QueueName) async throws -> Int {
        try await reclaimExpired(queue: queue, limit: 10).requeued
    }
}

/// Lets a test hold the first run of a job open, and counts runs and how many overlapped.
final class Gate: Sendable {
    private struct State {
        var open = false
        var runs = 0
        var running = 0
        var maxConcurrent = 0
    }
    private let state = Mutex(State())
    var runs: Int { state.withLock { $0.runs } }
    var maxConcurrent: Int { state.withLock { $0.maxConcurrent } }
    func open() { state.withLock { $0.open = true } }

    func enter() -> Int {
        state.withLock { s in
            s.runs += 1
            s.running += 1
            s.maxConcurrent = max(s.maxConcurrent, s.running)
            return s.runs
        }
    }
    func leave() { state.withLock { $0.running -= 1 } }
    var isOpen: Bool { state.withLock { $0.open } }
}

/// `gantry.noop` whose first run waits for the gate and ignores cancellation, as a handler stuck
/// in a blocking call would; later runs return at once.
struct GatedHandler: JobHandler {
    struct Payload: Decodable, Sendable {}
    let gate: Gate
    let kind = "gantry.noop"
    func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue? {
        let run = gate.enter()
        defer { gate.leave() }
        if run == 1 {
            let deadline = WallClock.nowMs() + 60_000
            while !gate.isOpen, WallClock.nowMs() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        }
        return ["run": .integer(Int64(run))]
    }
}

/// What the worker records, in order.
final class HistoryLog: JobHistoryStore {
    private let runs = Mutex<[JobRunRecord]>([])
    func record(_ batch: [JobRunRecord]) async throws { runs.withLock { $0 += batch } }
    var all: [JobRunRecord] { runs.withLock { $0 } }
}

/// The real Redis driver with a probe in front: counts enqueue calls and their sizes, and can make
/// the first ack fail after Redis applied nothing (as a connection lost before the call would).
final class DriverProbe: JobQueueBackend {
    let base: any JobQueueBackend
    let failFirstAck: Bool
    private let counts = Mutex((acks: 0, enqueueCalls: 0, enqueuedJobs: 0))
    init(_ base: any JobQueueBackend, failFirstAck: Bool = false) {
        self.base = base
        self.failFirstAck = failFirstAck
    }
    var failedAcks: Int { failFirstAck ? counts.withLock { min($0.acks, 1) } : 0 }
    var enqueueCalls: Int { counts.withLock { $0.enqueueCalls } }

    func ack(queue: QueueName, leases: [Lease]) async throws -> Int {
        let n = counts.withLock { c in
            c.acks += 1
            return c.acks
        }
        if failFirstAck, n == 1 { throw GantryError(.storage, "injected: the connection to Redis was lost") }
        return try await base.ack(queue: queue, leases: leases)
    }
    func enqueue(_ jobs: [JobEnvelope]) async throws -> [EnqueueResult] {
        counts.withLock { c in
            c.enqueueCalls += 1
            c.enqueuedJobs += jobs.count
        }
        return try await base.enqueue(jobs)
    }
    func lease(queue: QueueName, consumer: String, max: Int, leaseMs: Int64) async throws -> [LeasedJob] {
        try await base.lease(queue: queue, consumer: consumer, max: max, leaseMs: leaseMs)
    }
    func waitForWork(queues: [QueueName], timeoutMs: Int64) async throws -> Bool {
        try await base.waitForWork(queues: queues, timeoutMs: timeoutMs)
    }
    func extendLeases(queue: QueueName, leases: [Lease], leaseMs: Int64) async throws -> LeaseExtension {
        try await base.extendLeases(queue: queue, leases: leases, leaseMs: leaseMs)
    }
    func fail(queue: QueueName, failures: [JobFailure]) async throws -> [FailOutcome] { try await base.fail(queue: queue, failures: failures) }
    func release(queue: QueueName, leases: [Lease]) async throws -> Int { try await base.release(queue: queue, leases: leases) }
    func promoteDue(queue: QueueName, limit: Int) async throws -> Int { try await base.promoteDue(queue: queue, limit: limit) }
    func reclaimExpired(queue: QueueName, limit: Int) async throws -> ReclaimResult {
        try await base.reclaimExpired(queue: queue, limit: limit)
    }
    func cancel(queue: QueueName, id: JobID) async throws -> CancelOutcome { try await base.cancel(queue: queue, id: id) }
    func retryDead(queue: QueueName, ids: [JobID]?) async throws -> Int { try await base.retryDead(queue: queue, ids: ids) }
    func purgeDead(queue: QueueName, olderThanMs: Int64) async throws -> Int { try await base.purgeDead(queue: queue, olderThanMs: olderThanMs) }
    func setProgress(queue: QueueName, lease: Lease, percent: Int, message: String?) async throws {
        try await base.setProgress(queue: queue, lease: lease, percent: percent, message: message)
    }
    func job(queue: QueueName, id: JobID) async throws -> JobInfo? { try await base.job(queue: queue, id: id) }
    func stats(queue: QueueName) async throws -> QueueStats { try await base.stats(queue: queue) }
    func events(queue: QueueName, after cursor: String?, limit: Int) async throws -> [JobEvent] {
        try await base.events(queue: queue, after: cursor, limit: limit)
    }
}
