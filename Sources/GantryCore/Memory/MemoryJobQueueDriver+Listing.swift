/// Listing for the in-memory driver: every job of the queue that still exists, ready first (highest
/// priority first, FIFO), then leased, delayed, dead, completed and cancelled, as the Redis driver
/// lists them; the cursor is the position in that order.
extension MemoryJobQueueDriver: JobListing {
    public func listJobs(_ query: JobListQuery) async throws -> JobListPage {
        let limit = max(1, min(query.limit, 1_000))
        var start = 0
        if let cursor = query.cursor {
            guard let n = Int(cursor), n >= 0 else {
                throw GantryError(.invalidOption, "'\(cursor)' is not a cursor this listing made", field: "cursor")
            }
            start = n
        }
        let order: [JobState] = [.ready, .leased, .delayed, .dead, .completed, .cancelled]
        let ids = state.withLock { s -> [JobID] in
            guard let q = s.queues[query.queue] else { return [] }
            var ids: [JobID] = JobEnvelope.priorities.reversed().flatMap { q.ready[$0] ?? [] }
            ids += q.leased.keys.sorted { $0.description < $1.description }
            ids += q.delayed.keys.sorted { $0.description < $1.description }
            ids += q.dead.keys.sorted { $0.description < $1.description }
            let finished = s.jobs.filter { $0.value.state == .completed || $0.value.state == .cancelled }.keys
            ids += finished.sorted { $0.description < $1.description }
            return ids
        }
        var matching: [JobInfo] = []
        for id in ids {
            guard let info = try await job(queue: query.queue, id: id), info.envelope.queue == query.queue else { continue }
            if let state = query.state, info.state != state { continue }
            if let kind = query.kind, info.envelope.kind != kind { continue }
            if let project = query.projectID, info.envelope.projectID != project { continue }
            matching.append(info)
        }
        matching.sort { order.firstIndex(of: $0.state)! < order.firstIndex(of: $1.state)! }
        let page = Array(matching.dropFirst(start).prefix(limit))
        let next = start + page.count < matching.count ? String(start + page.count) : nil
        return JobListPage(jobs: page, nextCursor: next)
    }
}
