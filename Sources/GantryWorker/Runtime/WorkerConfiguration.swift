import FoundationEssentials
import Glibc
import GantryCore

/// How one worker process runs: validated once at start, immutable afterwards.
public struct WorkerConfiguration: Sendable {
    /// Queues with weights: `critical=6,default=3` leases from `critical` first about six times
    /// in ten, so no queue starves.
    public var queues: [(name: QueueName, weight: Int)]
    /// Jobs running at once in this process.
    public var concurrency: Int
    /// Most jobs taken in one lease call.
    public var leaseBatch: Int
    /// Lease length; a heartbeat renews it every third of it while a job runs.
    public var leaseMs: Int64
    /// How long a graceful shutdown waits for running jobs before handing them back.
    public var gracePeriodMs: Int64
    /// How often this worker promotes due jobs and reclaims expired leases.
    public var maintenanceIntervalMs: Int64
    /// How long an idle worker blocks waiting for work before checking again.
    public var idleWaitMs: Int64
    public var retry: RetryStrategy
    /// Identifies the worker in leases, history and the registry; unique per process.
    public var workerID: String
    /// How long a worker stays listed after its last heartbeat.
    public var registryTTLMs: Int64
    /// Whether a coordinator leads now (`gantry worker` asks Redis for the leader lock). While one
    /// does, it promotes and reclaims for every queue and this worker skips its own rounds; with
    /// none (nil, or false), the worker keeps the queues healthy by itself.
    public var coordinatorLeads: (@Sendable () async -> Bool)?

    public init(
        queues: [(name: QueueName, weight: Int)] = [(.default, 1)], concurrency: Int = 32, leaseBatch: Int = 100,
        leaseMs: Int64 = 10_000, gracePeriodMs: Int64 = 25_000, maintenanceIntervalMs: Int64 = 1_000,
        idleWaitMs: Int64 = 1_000, retry: RetryStrategy = .default, workerID: String, registryTTLMs: Int64 = 15_000,
        coordinatorLeads: (@Sendable () async -> Bool)? = nil
    ) {
        self.queues = queues
        self.concurrency = concurrency
        self.leaseBatch = leaseBatch
        self.leaseMs = leaseMs
        self.gracePeriodMs = gracePeriodMs
        self.maintenanceIntervalMs = maintenanceIntervalMs
        self.idleWaitMs = idleWaitMs
        self.retry = retry
        self.workerID = workerID
        self.registryTTLMs = registryTTLMs
        self.coordinatorLeads = coordinatorLeads
    }

    /// Parses `critical=6,default=3,reports` (a missing weight is 1).
    public static func parseQueues(_ text: String) throws(GantryError) -> [(name: QueueName, weight: Int)] {
        var result: [(name: QueueName, weight: Int)] = []
        for part in text.split(separator: ",").map({ $0.filter { !$0.isWhitespace } }) where !part.isEmpty {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            let name = try QueueName(pieces[0])
            var weight = 1
            if pieces.count == 2 {
                guard let w = Int(pieces[1]), (1...1000).contains(w) else {
                    throw GantryError(.invalidOption, "queue weight '\(pieces[1])' for \(name) must be 1...1000", field: "queues")
                }
                weight = w
            }
            guard !result.contains(where: { $0.name == name }) else {
                throw GantryError(.invalidOption, "queue \(name) is listed twice", field: "queues")
            }
            result.append((name, weight))
        }
        guard !result.isEmpty else { throw GantryError(.invalidOption, "name at least one queue", field: "queues") }
        return result
    }

    public func validate() throws(GantryError) {
        func bad(_ field: String, _ why: String) -> GantryError { GantryError(.invalidOption, why, field: field) }
        guard !queues.isEmpty else { throw bad("queues", "name at least one queue") }
        guard (1...10_000).contains(concurrency) else { throw bad("concurrency", "concurrency \(concurrency) is outside 1...10000") }
        guard (1...1_000).contains(leaseBatch) else { throw bad("leaseBatch", "lease batch \(leaseBatch) is outside 1...1000") }
        guard leaseMs >= 1_000 else { throw bad("lease", "a lease under 1 s would expire between heartbeats") }
        guard gracePeriodMs >= 0 else { throw bad("grace", "grace period must not be negative") }
        guard !workerID.isEmpty else { throw bad("workerID", "worker ID must not be empty") }
    }
}

