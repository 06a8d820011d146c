import GantryCore
import GantryRedis
import Logging
import Synchronization

/// `JobQueueAdministration`: what operators do by hand — cancel, revive dead jobs, purge the dead letter.
extension RedisJobQueueDriver {
    public func cancel(queue: QueueName, id: JobID) async throws -> CancelOutcome {
        let reply = try await pool.run(
            QueueScripts.cancel, keys: [prefix(queue)],
            arguments: [RedisArgument(id.description), RedisArgument(max(1, configuration.completedRetentionMs))])
        guard let outcome = reply.string.flatMap(CancelOutcome.init(rawValue:)) else { throw Self.unexpected(reply, "cancel") }
        return outcome
    }

    public func retryDead(queue: QueueName, ids: [JobID]?) async throws -> Int {
        if let ids {
            guard !ids.isEmpty else { return 0 }
            var total = 0
            for start in stride(from: 0, to: ids.count, by: 1000) {
                let chunk = ids[start..<min(start + 1000, ids.count)]
                let reply = try await pool.run(
                    QueueScripts.retryDead, keys: [prefix(queue)],
                    arguments: [RedisArgument(chunk.count)] + chunk.map { RedisArgument($0.description) })
                total += reply.int ?? 0
            }
            return total
        }
        // All: in chunks, so one script never holds Redis for long.
        var total = 0
        while true {
            let reply = try await pool.run(QueueScripts.retryDead, keys: [prefix(queue)], arguments: [RedisArgument(1000)])
            guard let n = reply.int else { throw Self.unexpected(reply, "retryDead") }
            total += n
            if n < 1000 { return total }
        }
    }

    public func purgeDead(queue: QueueName, olderThanMs: Int64) async throws -> Int {
        var total = 0
        while true {
            let reply = try await pool.run(
                QueueScripts.purgeDead, keys: [prefix(queue)], arguments: [RedisArgument(olderThanMs), RedisArgument(1000)])
            guard let n = reply.int else { throw Self.unexpected(reply, "purgeDead") }
            total += n
            if n < 1000 { return total }
        }
    }
}
