import GantryCore
import GantryRedis
import Logging
import Synchronization

/// The production `JobQueueDriver`: jobs live in Redis under `gantry:{queue}:…`, and every
/// transition is one Lua script (see `QueueScripts`). Batches travel in one round trip.
public final class RedisJobQueueDriver: JobQueueBackend, QueueListing {
    public struct Configuration: Sendable {
        /// First part of every key; the queue name follows in braces as the cluster hash tag.
        public var keyPrefix = "gantry"
        public var maxEncodedBytes = JobEnvelope.defaultMaxEncodedBytes
        /// How long a completed or cancelled job stays readable (`gantry jobs show`); 0 deletes
        /// it at ack. Results that matter live in PostgreSQL, so this only bounds Redis memory.
        public var completedRetentionMs: Int64 = 5 * 60 * 1000
        /// Jobs per script call in a bulk enqueue: bounds how long one script holds Redis.
        public var enqueueChunk = 1000
        /// How many dead jobs are kept, and for how long (`GANTRY_DEAD_MAX_JOBS`, `GANTRY_DEAD_MAX_AGE`).
        public var deadLetter = DeadLetterRetention.default
        public var leaseLapses = LeaseLapsePolicy()
        public init() {}
    }

    public let pool: RedisConnectionPool
    public let configuration: Configuration
    let logger: Logger
    /// Queues this process has already recorded in the `gantry:queues` set.
    let knownQueues = Mutex<Set<QueueName>>([])

    public init(pool: RedisConnectionPool, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "gantry.queue")) {
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
    }

    /// `gantry:{queue}:` — the one key every script is given; it fixes the cluster slot.
    func prefix(_ queue: QueueName) -> RedisArgument { RedisArgument("\(configuration.keyPrefix):{\(queue.rawValue)}:") }
    func key(_ queue: QueueName, _ suffix: String) -> RedisArgument {
        RedisArgument("\(configuration.keyPrefix):{\(queue.rawValue)}:\(suffix)")
    }
    /// The set of queue names ever used, for `gantry queues` and dashboards.
    var queuesKey: RedisArgument { RedisArgument("\(configuration.keyPrefix):queues") }

    // MARK: Arguments and replies

    /// `id, token, id, token, …`: how the scripts take the leases they settle.
    static func pairs(_ leases: [Lease]) -> [RedisArgument] {
        var args: [RedisArgument] = []
        args.reserveCapacity(leases.count * 2)
        for lease in leases {
            args.append(RedisArgument(lease.id.description))
            args.append(RedisArgument(lease.token.rawValue))
        }
        return args
    }

    /// `token, count, id, id, …` per lease token, tokens in the order first seen: how the ack
    /// script takes its leases. A batch usually comes from one or a few lease calls, so each token
    /// crosses into Lua once instead of once per job.
    static func groupedByToken(_ leases: [Lease]) -> [RedisArgument] {
        var order: [LeaseToken] = []
        var ids: [LeaseToken: [RedisArgument]] = [:]
        for lease in leases {
            if ids[lease.token] == nil { order.append(lease.token) }
            ids[lease.token, default: []].append(RedisArgument(lease.id.description))
        }
        var args: [RedisArgument] = []
        args.reserveCapacity(leases.count + 2 * order.count)
        for token in order {
            let group = ids[token] ?? []
            args.append(RedisArgument(token.rawValue))
            args.append(RedisArgument(group.count))
            args += group
        }
        return args
    }

    static func array(_ reply: RESPValue, _ operation: String) throws -> [RESPValue] {
        guard let items = reply.array else { throw unexpected(reply, operation) }
        return items
    }

    static func unexpected(_ reply: RESPValue, _ operation: String) -> GantryError {
        GantryError(.storage, "unexpected reply to \(operation): \(String(describing: reply).prefix(200))")
    }
}
