import GantryCore
import GantryRedis
import Logging
import Synchronization

/// `JobQueueMaintenance`: promotion of due jobs and reclaim of lapsed leases, idempotent scripts any process runs on a timer.
extension RedisJobQueueDriver {
    public func promoteDue(queue: QueueName, limit: Int) async throws -> Int {
        let reply = try await pool.run(QueueScripts.promote, keys: [prefix(queue)], arguments: [RedisArgument(limit)])
        guard let n = reply.int else { throw Self.unexpected(reply, "promote") }
        return n
    }

    public func reclaimExpired(queue: QueueName, limit: Int) async throws -> ReclaimResult {
        let reply = try await pool.run(
            QueueScripts.reclaim, keys: [prefix(queue)],
            arguments: [
                RedisArgument(limit), RedisArgument(max(1, configuration.completedRetentionMs)),
                RedisArgument(configuration.deadLetter.maxJobs), RedisArgument(configuration.deadLetter.maxAgeMs),
                RedisArgument(configuration.leaseLapses.freeLapses),
            ])
        let items = try Self.array(reply, "reclaim")
        guard items.count == 3, let back = items[0].int, let dead = items[1].int, let cancelled = items[2].int else {
            throw Self.unexpected(reply, "reclaim")
        }
        return ReclaimResult(requeued: back, dead: dead, cancelled: cancelled)
    }
}
