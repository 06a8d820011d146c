import GantryCore
import GantryDomain
import GantryPostgresStore
import Logging

extension Coordinator {
    /// The duties a leading `gantry coordinator` runs, in one list: the command builds its
    /// coordinator from it, and `gantry bench scale` times one round of each against many projects,
    /// so the benchmark measures what a leader really does.
    public static func standardDuties(
        driver: any JobQueueBackend & QueueListing, store: GantryStore, kinds: JobKindRegistry, metrics: CoordinatorMetrics,
        slipRule: ForecastSlipRule, logger: Logger
    ) -> [any CoordinatorDuty] {
        let followUps = FollowUpDispatcher(store: store, queue: driver, kinds: kinds, logger: logger, slipRule: slipRule)
        return [
            QueueHousekeeping(driver: driver, metrics: metrics, logger: logger),
            ScheduleFirer(store: store, queue: JobQueue(driver: driver, registry: kinds), metrics: metrics, logger: logger),
            FollowUpDispatch(dispatcher: followUps),
            FollowUpRepair(dispatcher: followUps),
            RiskReviewDuty(review: RiskReview(store: store, slipRule: slipRule)),
        ]
    }
}
