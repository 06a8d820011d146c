import GantryCore
import GantryPostgresStore
import GantryTelemetry

extension CoordinatorMetrics {
    /// Refreshes, before every scrape, the queue gauges (from Redis: every known queue's counts) and
    /// `gantry_projects` (one statement on the portfolio). Every coordinator publishes them, leader
    /// or not, so the figures stay when the leader changes; a source that cannot be read leaves its
    /// last values.
    public func refreshOnScrape(driver: any JobQueueInspection & QueueListing, store: GantryStore) {
        let queueGauges = self.queueGauges
        let projectGauges = self.projectGauges
        exposition.beforeEachScrape {
            await queueGauges.refresh(from: driver)
            if let counts = try? await store.portfolio.countsByPhaseAndStatus() {
                projectGauges.set(counts.map { ProjectGauges.Count(phase: $0.phase, status: $0.status, projects: $0.projects) })
            }
        }
    }
}
