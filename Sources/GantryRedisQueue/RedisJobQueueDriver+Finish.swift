import GantryCore
import GantryRedis
import Logging
import Synchronization

/// Settling leased jobs in batches: ack, fail (retry or dead letter) and release.
extension RedisJobQueueDriver {
    public func ack(queue: QueueName, leases: [Lease]) async throws -> Int {
        guard !leases.isEmpty else { return 0 }
        let reply = try await pool.run(
            QueueScripts.ack, keys: [prefix(queue)],
            arguments: [RedisArgument(configuration.completedRetentionMs)] + Self.groupedByToken(leases))
        guard let n = reply.int else { throw Self.unexpected(reply, "ack") }
        return n
    }

    public func fail(queue: QueueName, failures: [JobFailure]) async throws -> [FailOutcome] {
        guard !failures.isEmpty else { return [] }
        var args: [RedisArgument] = [
            RedisArgument(max(1, configuration.completedRetentionMs)), RedisArgument(configuration.deadLetter.maxJobs),
            RedisArgument(configuration.deadLetter.maxAgeMs),
        ]
        for f in failures {
            args.append(RedisArgument(f.id.description))
            args.append(RedisArgument(f.lease.token.rawValue))
            // A retry runs no later than the latest time a job may be scheduled, so the script's
            // `now + delay` stays an exact integer in Lua's doubles.
            args.append(RedisArgument(f.retryDelayMs.map { min(max(0, $0), JobEnvelope.maxDelayMs) } ?? -1))
            args.append(RedisArgument(f.error))
        }
        let reply = try await pool.run(QueueScripts.fail, keys: [prefix(queue)], arguments: args)
        let items = try Self.array(reply, "fail")
        guard items.count == failures.count else { throw Self.unexpected(reply, "fail") }
        return zip(failures, items).map { f, item in
            if let runAt = item.int { return .retrying(f.id, runAtMs: Int64(runAt)) }
            switch item.string {
            case "dead": return .dead(f.id)
            case "cancelled": return .cancelled(f.id)
            default: return .stale(f.id)
            }
        }
    }

    public func release(queue: QueueName, leases: [Lease]) async throws -> Int {
        guard !leases.isEmpty else { return 0 }
        let reply = try await pool.run(
            QueueScripts.release, keys: [prefix(queue)],
            arguments: [RedisArgument(max(1, configuration.completedRetentionMs))] + Self.pairs(leases))
        guard let n = reply.int else { throw Self.unexpected(reply, "release") }
        return n
    }
}
