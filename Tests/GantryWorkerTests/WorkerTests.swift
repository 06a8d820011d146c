import GantryCore
import GantryTesting
import GantryWorker
import Synchronization
import Testing

/// Collects what the worker records, as PostgreSQL would, and says when each run is recorded:
/// the worker records a run before it acks it, so "n runs recorded" is the event tests wait on.
final class RecordingHistory: JobHistoryStore {
    let runs = Mutex<[JobRunRecord]>([])
    let recorded = TestExpectation("job runs recorded")
    func record(_ batch: [JobRunRecord]) async throws {
        runs.withLock { $0 += batch }
        recorded.fulfill(batch.count)
    }
    var all: [JobRunRecord] { runs.withLock { $0 } }
}

/// Handlers whose behaviour a test chooses; `started` is fulfilled as each run begins.
struct ScriptedHandler: JobHandler {
    struct Payload: Decodable, Sendable {
        var mode: String
        var ms: Int?
    }
    let kind = "test.scripted"
    let started: TestExpectation
    func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue? {
        started.fulfill()
        switch payload.mode {
        case "permanent": throw JobError.permanent("record 17 has no account")
        case "huge-error": throw JobError.permanent(String(repeating: "x", count: 100_000))
        case "flaky": if context.attempt < 2 { throw JobError.retryable("upstream 503") }
        case "slow": try await Task.sleep(for: .milliseconds(payload.ms ?? 60_000))
        case "progress": await context.reportProgress(50, "half way")
        default: break
        }
        return ["attempt": .integer(Int64(context.attempt))]
    }
}

struct WorkerFixture {
    let driver = MemoryJobQueueDriver()
    let history = RecordingHistory()
    let started = TestExpectation("scripted jobs started")
    let queue: JobQueue

    init() {
        var kinds = JobKindRegistry.builtIn
        kinds.register(JobKindDescriptor(name: "test.scripted", schema: .any))
        kinds.register(JobKindDescriptor(name: "test.unhandled", schema: .any))
        queue = JobQueue(driver: driver, registry: kinds)
    }

    func worker(concurrency: Int = 8, graceMs: Int64 = 5_000, retry: RetryStrategy = .fixed(ms: 10)) throws -> Worker {
        var handlers = HandlerRegistry.builtIn
        handlers.register(ScriptedHandler(started: started))
        // A lease far longer than the heartbeat interval (20 s, renewed every 6.7 s), so a loaded machine
        // (the whole suite runs in parallel; a CI run once stalled a heartbeat past 5 s) cannot let a lease
        // lapse and turn these tests into reclaim tests.
        let configuration = WorkerConfiguration(
            concurrency: concurrency, leaseMs: 20_000, gracePeriodMs: graceMs, maintenanceIntervalMs: 50,
            idleWaitMs: 50, retry: retry, workerID: "w-test")
        return try Worker(configuration: configuration, driver: driver, handlers: handlers, history: history)
    }

    /// Runs the worker until it has recorded `runs` job runs (throws `WaitTimeout` after 30 s),
    /// then drains it, which flushes every ack and failure to the queue.
    func run(_ worker: Worker, untilRecorded runs: Int) async throws {
        try await whileRunning(worker) { try await history.recorded.wait(for: runs, timeout: .seconds(30)) }
    }

    /// Runs the worker while `body` runs, then drains it, whether `body` returned or threw.
    func whileRunning(_ worker: Worker, _ body: () async throws -> Void) async throws {
        let task = Task { try await worker.run() }
        do {
            try await body()
        } catch {
            worker.beginDrain()
            _ = try? await task.value
            throw error
        }
        worker.beginDrain()
        try await task.value
    }
}

@Suite("Worker")
struct WorkerTests {
    @Test
    func runsEveryJobOnceAndRecordsItsRunBeforeTheAck() async throws {
        let f = WorkerFixture()
        _ = try await f.queue.enqueue((0..<200).map { _ in JobRequest(kind: "gantry.noop", payload: ["result": true]) })
        let worker = try f.worker()
        try await f.run(worker, untilRecorded: 200)
        #expect(try await f.driver.stats(queue: .default).processed == 200)
        let runs = f.history.all
        #expect(runs.count == 200 && Set(runs.map(\.jobID)).count == 200)
        #expect(runs.allSatisfy { $0.outcome == .succeeded && $0.result == ["ok": true] && $0.worker == "w-test" })
        let stats = try await f.driver.stats(queue: .default)
        #expect(stats.ready == 0 && stats.leased == 0)
        #expect(worker.snapshot.done == 200)
    }

    @Test
    func permanentErrorSendsTheJobToTheDeadLetterAtOnce() async throws {
        let f = WorkerFixture()
        let id = try await f.queue.enqueue(JobRequest(kind: "test.scripted", payload: ["mode": "permanent"], maxAttempts: 5)).id
        try await f.run(try f.worker(), untilRecorded: 1)
        #expect(try await f.driver.stats(queue: .default).dead == 1)
        let info = try #require(try await f.driver.job(queue: .default, id: id))
        #expect(info.attemptsUsed == 1 && info.lastError == "record 17 has no account")
        #expect(f.history.all.map(\.outcome) == [.dead])
    }

    @Test
    func retryableErrorRetriesWithBackoffThenSucceeds() async throws {
        let f = WorkerFixture()
        _ = try await f.queue.enqueue(JobRequest(kind: "test.scripted", payload: ["mode": "flaky"]))
        try await f.run(try f.worker(), untilRecorded: 2)
        #expect(try await f.driver.stats(queue: .default).processed == 1)
        #expect(f.history.all.map(\.outcome) == [.retrying, .succeeded])
        #expect(f.history.all.last?.result == ["attempt": 2])
        #expect(try await f.driver.stats(queue: .default).retried == 1)
    }

    @Test
    func jobOverItsTimeoutIsStoppedAndRetried() async throws {
        let f = WorkerFixture()
        let id = try await f.queue.enqueue(
            JobRequest(kind: "test.scripted", payload: ["mode": "slow", "ms": 60_000], maxAttempts: 2, timeoutMs: 100)).id
        try await f.run(try f.worker(), untilRecorded: 2)
        #expect(try await f.driver.stats(queue: .default).dead == 1)
        #expect(f.history.all.map(\.outcome) == [.timedOut, .dead])
        #expect(try await f.driver.job(queue: .default, id: id)?.lastError == "timed out after 100 ms")
    }

    @Test
    func jobWithoutAHandlerOrWithAMisshapenPayloadIsDeadWithTheReason() async throws {
        let f = WorkerFixture()
        let unhandled = try await f.queue.enqueue(JobRequest(kind: "test.unhandled")).id
        let misshapen = try await f.queue.enqueue(JobRequest(kind: "test.scripted", payload: ["mode": 7])).id
        try await f.run(try f.worker(), untilRecorded: 2)
        #expect(try await f.driver.stats(queue: .default).dead == 2)
        let a = try await f.driver.job(queue: .default, id: unhandled)?.lastError ?? ""
        let b = try await f.driver.job(queue: .default, id: misshapen)?.lastError ?? ""
        #expect(a.contains("no handler for kind 'test.unhandled'"))
        #expect(b.contains("payload does not match test.scripted") && b.contains("mode"))
    }

    @Test
    func aHugeErrorMessageIsCutBeforeItIsStored() async throws {
        let f = WorkerFixture()
        let id = try await f.queue.enqueue(JobRequest(kind: "test.scripted", payload: ["mode": "huge-error"])).id
        let worker = try f.worker()
        try await f.run(worker, untilRecorded: 1)
        #expect(try await f.driver.job(queue: .default, id: id)?.state == .dead)
        let error = try #require(try await f.driver.job(queue: .default, id: id)?.lastError)
        #expect(error.count < 4_100 && error.hasSuffix("(cut at 4000 characters)"))
        #expect(f.history.all.first?.error == error)
    }

    @Test
    func cancellationRequestStopsARunningJob() async throws {
        let f = WorkerFixture()
        let id = try await f.queue.enqueue(JobRequest(kind: "test.scripted", payload: ["mode": "slow"])).id
        try await f.whileRunning(try f.worker()) {
            try await f.started.wait(timeout: .seconds(30))
            #expect(try await f.driver.cancel(queue: .default, id: id) == .cancelRequested)
            // The request reaches the worker at its next heartbeat (every third of the lease).
            try await f.history.recorded.wait(for: 1, timeout: .seconds(30))
        }
        // Cancelled, not dead: a cancellation is what was asked for, not a failure.
        #expect(f.history.all.map(\.outcome) == [.cancelled])
        #expect(try await f.driver.job(queue: .default, id: id)?.state == .cancelled)
        #expect(try await f.driver.job(queue: .default, id: id)?.lastError == "cancelled by request")
    }

    @Test
    func drainFinishesShortJobsAndHandsLongOnesBackAtOnce() async throws {
        let f = WorkerFixture()
        _ = try await f.queue.enqueue((0..<4).map { _ in JobRequest(kind: "gantry.sleep", payload: ["ms": 50]) })
        let long = try await f.queue.enqueue((0..<4).map { _ in JobRequest(kind: "gantry.sleep", payload: ["ms": 60_000]) }).map(\.id)
        try await f.whileRunning(try f.worker(graceMs: 500)) {
            // The short jobs finish (4 runs recorded) while the long ones hold their leases.
            try await f.history.recorded.wait(for: 4, timeout: .seconds(30))
            try await eventually("the 4 long jobs leased", timeout: .seconds(30)) {
                try await f.driver.stats(queue: .default).leased == 4
            }
        }
        let stats = try await f.driver.stats(queue: .default)
        #expect(stats.processed == 4 && stats.leased == 0 && stats.ready == 4 && stats.dead == 0)
        for id in long {
            let info = try await f.driver.job(queue: .default, id: id)
            #expect(info?.state == .ready && info?.attemptsUsed == 0)
        }
        #expect(f.history.all.filter { $0.outcome == .released }.count == 4)
    }

    @Test
    func progressIsReportedThroughTheQueue() async throws {
        let f = WorkerFixture()
        let id = try await f.queue.enqueue(JobRequest(kind: "test.scripted", payload: ["mode": "progress"])).id
        try await f.run(try f.worker(), untilRecorded: 1)
        let info = try await f.driver.job(queue: .default, id: id)
        #expect(info?.progress == 50 && info?.progressMessage == "half way")
    }

    @Test
    func queueWeightsSetHowOftenEachQueueIsTriedFirst() throws {
        let configuration = WorkerConfiguration(
            queues: try WorkerConfiguration.parseQueues("critical=6,default=3,reports=1"), workerID: "w")
        let worker = try Worker(configuration: configuration, driver: MemoryJobQueueDriver())
        var firsts: [QueueName: Int] = [:]
        for _ in 0..<10_000 { firsts[worker.weightedOrder()[0], default: 0] += 1 }
        #expect((5_500...6_500).contains(firsts["critical"] ?? 0))
        #expect((2_500...3_500).contains(firsts["default"] ?? 0))
        #expect((700...1_300).contains(firsts["reports"] ?? 0))
        #expect(Set(worker.weightedOrder()) == ["critical", "default", "reports"])
    }

    @Test
    func badQueueListsAreRefusedWithTheReason() {
        for (text, reason) in [("", "at least one"), ("a=0", "1...1000"), ("a,a", "twice"), ("a{b}", "1-64 characters")] {
            let error = #expect(throws: GantryError.self) { _ = try WorkerConfiguration.parseQueues(text) }
            #expect(error?.message.contains(reason) == true, "\(text): \(String(describing: error))")
        }
    }
}
