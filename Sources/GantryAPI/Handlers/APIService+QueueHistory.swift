import FoundationEssentials
import GantryCore

/// The dashboard's queue charts: the samples this API process took over the last hour.
extension APIService {
    func getQueueHistory(_ input: Operations.getQueueHistory.Input) async throws -> Operations.getQueueHistory.Output {
        let series = depthSampler.history().map { entry in
            Components.Schemas.QueueSeries(
                queue: entry.queue,
                samples: entry.samples.map { s in
                    Components.Schemas.QueueSample(
                        at: Date(ms: s.atMs), ready: s.stats.ready, leased: s.stats.leased, delayed: s.stats.delayed,
                        dead: s.stats.dead, processed: s.stats.processed, failed: s.stats.failed,
                        oldest_ready_age_ms: s.stats.oldestReadyAgeMs)
                })
        }
        return .ok(
            .init(body: .json(.init(interval_ms: depthSampler.intervalMs, window_ms: depthSampler.windowMs, queues: series))))
    }
}
