import GantryCore
import GantryTesting
import GantryWorker
import Synchronization
import Testing

/// A worker promotes delayed jobs itself unless a coordinator leads (which then does it for every
/// queue): `gantry worker` alone still keeps every promise.
@Suite("Worker maintenance beside a coordinator")
struct WorkerMaintenanceTests {
    func worker(_ f: WorkerFixture, coordinatorLeads: (@Sendable () async -> Bool)?) throws -> Worker {
        let configuration = WorkerConfiguration(
            leaseMs: 20_000, gracePeriodMs: 5_000, maintenanceIntervalMs: 20, idleWaitMs: 20, workerID: "w-maintenance",
            coordinatorLeads: coordinatorLeads)
        return try Worker(configuration: configuration, driver: f.driver, handlers: .builtIn, history: f.history)
    }

    @Test
    func aWorkerWithNoCoordinatorPromotesDelayedJobsAndRunsThem() async throws {
        let f = WorkerFixture()
        let asked = TestExpectation("the worker asked whether a coordinator leads")
        // Far enough ahead that they are still delayed when stored, however slow the machine; only the
        // worker's maintenance promotes them (the lease takes ready jobs only).
        let ids = try await f.queue.enqueue((0..<3).map { _ in JobRequest(kind: "gantry.noop", delayMs: 300) }).map(\.id)
        let w = try worker(f, coordinatorLeads: {
            asked.fulfill()
            return false
        })
        try await f.run(w, untilRecorded: 3)
        try await asked.wait()
        let stats = try await f.driver.stats(queue: .default)
        #expect(stats.processed == 3 && stats.delayed == 0)
        let promoted = try await f.driver.events(queue: .default, after: nil, limit: 1_000).filter { $0.kind == .promoted }
        #expect(Set(promoted.flatMap(\.ids)) == Set(ids))
    }

    @Test
    func aWorkerWithoutTheLeaderCheckStillPromotes() async throws {
        let f = WorkerFixture()
        _ = try await f.queue.enqueue(JobRequest(kind: "gantry.noop", delayMs: 300))
        try await f.run(try worker(f, coordinatorLeads: nil), untilRecorded: 1)
        #expect(try await f.driver.stats(queue: .default).processed == 1)
    }

    @Test
    func aWorkerLeavesPromotionToALeadingCoordinator() async throws {
        let f = WorkerFixture()
        let asked = TestExpectation("the worker asked whether a coordinator leads")
        // Two seconds ahead: still delayed when the worker's first rounds ask, however slow the machine.
        _ = try await f.queue.enqueue(JobRequest(kind: "gantry.noop", delayMs: 2_000))
        let w = try worker(f, coordinatorLeads: {
            asked.fulfill()
            return true
        })
        try await f.whileRunning(w) {
            // Three rounds that each found a leader and so did nothing.
            try await asked.wait(for: 3)
            #expect(try await f.driver.stats(queue: .default).delayed == 1)
            // The coordinator's round (here, by hand) is what makes it ready; the worker then runs it.
            try await eventually("the due job promoted by hand") { try await f.driver.promoteDue(queue: .default, limit: 10) == 1 }
            try await f.history.recorded.wait(for: 1, timeout: .seconds(30))
        }
        #expect(try await f.driver.stats(queue: .default).processed == 1)
    }
}
