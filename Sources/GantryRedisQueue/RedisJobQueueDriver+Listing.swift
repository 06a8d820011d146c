import GantryCore
import GantryRedis

/// Listing jobs for the API and the CLI: a cold path. Each state's structure is read in order
/// (ready lists from priority 9 down, grouped ready jobs (`QueueScripts.groupedReady`), then
/// leased, delayed, dead, done, cancelled) by index, and
/// each ID's record by the `job` script, so a page costs about one round trip per job it reads.
/// The cursor is `<segment>:<offset>`; a page reads at most ten times its limit of IDs, so a
/// filter that matches little still answers promptly (with a cursor to go on).
extension RedisJobQueueDriver: JobListing {
    static let listSegments: [(state: JobState, key: String)] =
        (0...9).reversed().map { (JobState.ready, "ready:\($0)") }
        + [(.ready, groupedReadySegment), (.leased, "leased"), (.delayed, "delayed"), (.dead, "dead"), (.completed, "done"), (.cancelled, "cancelled")]

    /// The segment of the grouped ready jobs, read by a script rather than one key.
    static let groupedReadySegment = "(grouped ready)"

    public func listJobs(_ query: JobListQuery) async throws -> JobListPage {
        let limit = max(1, min(query.limit, 1_000))
        var segment = 0
        var offset = 0
        if let cursor = query.cursor {
            let parts = cursor.split(separator: ":")
            guard parts.count == 2, let s = Int(parts[0]), let o = Int(parts[1]), (0..<Self.listSegments.count).contains(s), o >= 0
            else { throw GantryError(.invalidOption, "'\(cursor)' is not a cursor this listing made", field: "cursor") }
            segment = s
            offset = o
        }
        var jobs: [JobInfo] = []
        var scanned = 0
        while segment < Self.listSegments.count {
            let (state, suffix) = Self.listSegments[segment]
            if let wanted = query.state, wanted != state {
                segment += 1
                offset = 0
                continue
            }
            if jobs.count >= limit || scanned >= limit * 10 { return JobListPage(jobs: jobs, nextCursor: "\(segment):\(offset)") }
            let take = min(limit - jobs.count, 200)
            let reply: RESPValue
            if suffix == Self.groupedReadySegment {
                reply = try await pool.run(
                    QueueScripts.groupedReady, keys: [prefix(query.queue)], arguments: [RedisArgument(offset), RedisArgument(take)])
            } else {
                let command: [RedisArgument] = state == .ready
                    ? ["LRANGE", key(query.queue, suffix), RedisArgument(String(offset)), RedisArgument(String(offset + take - 1))]
                    : ["ZRANGE", key(query.queue, suffix), RedisArgument(String(offset)), RedisArgument(String(offset + take - 1))]
                reply = try await pool.send(command)
            }
            let ids = (reply.array ?? []).compactMap { $0.string.flatMap(JobID.init) }
            if ids.isEmpty {
                segment += 1
                offset = 0
                continue
            }
            offset += ids.count
            scanned += ids.count
            for id in ids {
                // A job that moved on between the two reads is shown in its new state or, if gone, skipped.
                guard let info = try await job(queue: query.queue, id: id) else { continue }
                if let kind = query.kind, info.envelope.kind != kind { continue }
                if let project = query.projectID, info.envelope.projectID != project { continue }
                jobs.append(info)
            }
        }
        return JobListPage(jobs: jobs, nextCursor: nil)
    }
}
