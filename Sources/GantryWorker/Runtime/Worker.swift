import FoundationEssentials
import Glibc
import GantryCore
import Logging
import ServiceLifecycle
import Synchronization

/// A stateless worker: leases jobs in batches from weighted queues, runs up to `concurrency` at
/// once, renews their leases while they run, and acks or fails them in batches after their
/// history is recorded. Any number of workers on any hosts can serve the same queues.
///
/// Graceful shutdown: stop leasing, let running jobs finish within the grace period, hand the
/// rest back to their queues at once, flush, and return. Cancellation (a second signal) returns
/// at once; leases then bring the jobs back.
public final class Worker: Service {
    public let configuration: WorkerConfiguration
    let driver: any JobQueueDriver & JobQueueMaintenance
    let handlers: HandlerRegistry
    let history: (any JobHistoryStore)?
    let registry: (any WorkerRegistry)?
    /// Sees each run start and end (metrics); does nothing unless given.
    let observer: any WorkerObserver
    let logger: Logger
    let state = Mutex(WorkerState())
    let startedAtMs = WallClock.nowMs()

    public init(
        configuration: WorkerConfiguration, driver: any JobQueueDriver & JobQueueMaintenance, handlers: HandlerRegistry = .builtIn,
        history: (any JobHistoryStore)? = nil, registry: (any WorkerRegistry)? = nil,
        observer: any WorkerObserver = NoWorkerObserver(), logger: Logger = Logger(label: "gantry.worker")
    ) throws(GantryError) {
        try configuration.validate()
        self.configuration = configuration
        self.driver = driver
        self.handlers = handlers
        self.history = history
        self.registry = registry
        self.observer = observer
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.workerID)"
        self.logger = logger
    }

    public func run() async throws {
        logger.info("worker started", metadata: [
            "queues": "\(configuration.queues.map { "\($0.name)=\($0.weight)" }.joined(separator: ","))",
            "concurrency": "\(configuration.concurrency)",
        ])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.maintenanceLoop() }
            group.addTask { await self.heartbeatLoop() }
            group.addTask { await self.registryLoop() }
            group.addTask { await self.flushLoop() }
            group.addTask { await self.timeoutLoop() }
            await withGracefulShutdownHandler {
                await self.leaseLoop()
            } onGracefulShutdown: {
                self.beginDrain()
            }
            if !Task.isCancelled { await self.drain() }
            group.cancelAll()
        }
        if let registry {
            // Shielded: withdrawing must happen even when the run was cancelled.
            try? await Task { try await registry.withdraw(workerID: configuration.workerID) }.value
        }
        logger.info("worker stopped", metadata: ["jobs": "\(snapshot.done)"])
    }

    /// Stops leasing; running jobs carry on.
    public func beginDrain() {
        let waiters = state.withLock { s in
            s.draining = true
            return s.takeSlotWaiters()
        }
        for w in waiters { w.resume() }
    }

    var isDraining: Bool { state.withLock { $0.draining } }

    // MARK: Leasing

    func leaseLoop() async {
        var failures = 0
        while !isDraining, !Task.isCancelled {
            let free = await waitForFreeSlots()
            if free == 0 { continue }
            do {
                var leased = false
                for queue in weightedOrder() {
                    let jobs = try await driver.lease(
                        queue: queue, consumer: configuration.workerID, max: min(free, configuration.leaseBatch),
                        leaseMs: configuration.leaseMs)
                    if !jobs.isEmpty {
                        start(jobs, queue: queue)
                        leased = true
                        break
                    }
                }
                if !leased, !isDraining {
                    _ = try await driver.waitForWork(queues: configuration.queues.map(\.name), timeoutMs: configuration.idleWaitMs)
                }
                failures = 0
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("leasing failed; retrying", metadata: ["error": "\(error)", "failures": "\(failures)"])
                try? await Task.sleep(for: .milliseconds(Self.backoffMs(failures)))
            }
        }
    }

    /// Queue order for one round: each queue first with probability proportional to its weight.
    public func weightedOrder() -> [QueueName] {
        var remaining = configuration.queues
        var order: [QueueName] = []
        while !remaining.isEmpty {
            let total = remaining.reduce(0) { $0 + $1.weight }
            var pick = Int.random(in: 0..<total)
            let index = remaining.firstIndex { q in
                pick -= q.weight
                return pick < 0
            } ?? 0
            order.append(remaining.remove(at: index).name)
        }
        return order
    }

    /// Waits until a slot is free (or the worker drains); returns the free slots.
    /// Waits until enough slots are free to make a lease worth its round trip (a quarter of a
    /// batch, or any when nothing runs), or the worker drains; returns the free slots.
    func waitForFreeSlots() async -> Int {
        let lowWater = max(1, min(configuration.leaseBatch, configuration.concurrency) / 4)
        func ready(_ s: WorkerState) -> Bool {
            let free = configuration.concurrency - s.running.count
            let worthIt = free >= lowWater || (free > 0 && s.running.isEmpty)
            return (worthIt && s.unflushedCount < configuration.concurrency * 4) || s.draining
        }
        while !Task.isCancelled {
            let free: Int? = state.withLock { s in ready(s) ? max(configuration.concurrency - s.running.count, 0) : nil }
            if let free { return free }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s in
                        if ready(s) || Task.isCancelled { return true }
                        s.slotWaiters.append(c)
                        return false
                    }
                    if resumeNow { c.resume() }
                }
            } onCancel: {
                // Cancelled (a second signal): stop waiting for slots that a gone flush loop would free.
                for w in state.withLock({ $0.takeSlotWaiters() }) { w.resume() }
            }
        }
        return 0
    }

    static func backoffMs(_ failures: Int) -> Int64 {
        min(5_000, 100 * Int64(1) << min(failures, 6)) + Int64.random(in: 0...100)
    }
}
