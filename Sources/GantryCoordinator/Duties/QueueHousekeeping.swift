import GantryCore
import Logging

/// The queue's housekeeping while this coordinator leads: promote due delayed jobs and reclaim
/// expired leases on every known queue (the reclaim script also applies the dead letter's retention,
/// which has no entry point of its own). The same idempotent scripts workers run when no
/// coordinator leads (`WorkerConfiguration.coordinatorLeads`), so running both at once is harmless.
public struct QueueHousekeeping: CoordinatorDuty {
    public let name = "queue-housekeeping"
    public let interval: Duration
    let driver: any JobQueueMaintenance & QueueListing
    let metrics: CoordinatorMetrics
    let logger: Logger
    /// Most jobs one script call moves; a busy queue is caught up over several rounds.
    let batch: Int

    public init(
        driver: any JobQueueMaintenance & QueueListing, metrics: CoordinatorMetrics, interval: Duration = .milliseconds(500),
        batch: Int = 1_000, logger: Logger
    ) {
        self.driver = driver
        self.metrics = metrics
        self.interval = interval
        self.batch = batch
        self.logger = logger
    }

    public func perform(in term: LeaderTerm) async throws {
        var firstError: (any Error)?
        for queue in try await driver.queueNames() {
            try term.checkCurrent()
            do {
                let promoted = try await driver.promoteDue(queue: queue, limit: batch)
                let reclaimed = try await driver.reclaimExpired(queue: queue, limit: batch)
                metrics.housekeeping(queue: queue.rawValue, promoted: promoted, reclaimed: reclaimed.requeued + reclaimed.dead + reclaimed.cancelled)
                if reclaimed.requeued + reclaimed.dead > 0 {
                    logger.notice("reclaimed expired leases", metadata: [
                        "queue": "\(queue)", "requeued": "\(reclaimed.requeued)", "dead": "\(reclaimed.dead)",
                    ])
                }
            } catch {
                // One queue's failure does not keep the others from their round.
                logger.warning("queue housekeeping failed", metadata: ["queue": "\(queue)", "error": "\(error)"])
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
    }
}
