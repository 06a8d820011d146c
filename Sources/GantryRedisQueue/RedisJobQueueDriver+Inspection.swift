import GantryCore
import GantryRedis
import Logging
import Synchronization

/// `JobQueueInspection` and `QueueListing`: reads for the API, the CLI, the dashboard and metrics.
extension RedisJobQueueDriver {
    public func job(queue: QueueName, id: JobID) async throws -> JobInfo? {
        let reply = try await pool.run(
            QueueScripts.job, keys: [prefix(queue)],
            arguments: [RedisArgument(id.description), RedisArgument(configuration.completedRetentionMs)])
        if reply.isNull { return nil }
        let f = try Self.array(reply, "job")
        guard f.count == 8, let state = f[0].string.flatMap(JobState.init(rawValue:)), let attempt = f[1].int,
            let body = f[2].bytes
        else { throw Self.unexpected(reply, "job") }
        var envelope: JobEnvelope
        do {
            envelope = try JobEnvelope.decode(body)
        } catch {
            var e = error
            e.jobID = id
            e.queue = queue
            throw e
        }
        envelope.attempt = attempt
        func text(_ v: RESPValue) -> String? { v.string.flatMap { $0.isEmpty ? nil : $0 } }
        return JobInfo(
            envelope: envelope, state: state, attemptsUsed: attempt, lastError: text(f[3]),
            progress: text(f[4]).flatMap { Int($0) }, progressMessage: text(f[5]),
            cancelRequested: f[6].int == 1, updatedAtMs: text(f[7]).flatMap { Int64($0) })
    }

    public func stats(queue: QueueName) async throws -> QueueStats {
        let reply = try await pool.run(QueueScripts.stats, keys: [prefix(queue)], arguments: [])
        let v = try Self.array(reply, "stats").map { $0.int ?? 0 }
        guard v.count == 10 else { throw Self.unexpected(reply, "stats") }
        return QueueStats(
            queue: queue.rawValue, ready: v[1], leased: v[2], delayed: v[3], dead: v[4], processed: v[5], failed: v[6],
            retried: v[7], reclaimed: v[8], oldestReadyAgeMs: v[9] < 0 ? nil : Int64(max(0, v[0] - v[9])))
    }

    public func events(queue: QueueName, after cursor: String?, limit: Int) async throws -> [JobEvent] {
        let start = cursor.map { "(\($0)" } ?? "-"
        let reply = try await pool.send(["XRANGE", key(queue, "events"), RedisArgument(start), "+", "COUNT", RedisArgument(limit)])
        return try Self.array(reply, "events").compactMap { entry -> JobEvent? in
            guard let parts = entry.array, parts.count == 2, let id = parts[0].string, let kv = parts[1].array else { return nil }
            var fields: [String: String] = [:]
            for i in stride(from: 0, to: kv.count - 1, by: 2) {
                if let k = kv[i].string { fields[k] = kv[i + 1].string }
            }
            guard let kind = fields["kind"].flatMap(JobEvent.Kind.init(rawValue:)) else { return nil }
            let ids = (fields["ids"] ?? "").split(separator: ",").compactMap { JobID(String($0)) }
            return JobEvent(cursor: id, kind: kind, ids: ids, atMs: Int64(fields["at"] ?? "") ?? 0)
        }
    }

    /// Every queue name ever enqueued to, sorted.
    public func queueNames() async throws -> [QueueName] {
        let reply = try await pool.send(["SMEMBERS", queuesKey])
        return try Self.array(reply, "queues").compactMap { $0.string.flatMap { try? QueueName($0) } }.sorted { $0.rawValue < $1.rawValue }
    }
}
