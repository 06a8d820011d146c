/// A live worker process, as it announces itself in the registry.
public struct WorkerInfo: Sendable, Hashable, Codable {
    public var id: String
    public var host: String
    public var pid: Int32
    public var queues: [String]
    public var concurrency: Int
    public var startedAtMs: Int64
    public var jobsDone: Int
    public var running: Int
    public var lastSeenMs: Int64

    public init(
        id: String, host: String, pid: Int32, queues: [String], concurrency: Int, startedAtMs: Int64,
        jobsDone: Int = 0, running: Int = 0, lastSeenMs: Int64 = WallClock.nowMs()
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.queues = queues
        self.concurrency = concurrency
        self.startedAtMs = startedAtMs
        self.jobsDone = jobsDone
        self.running = running
        self.lastSeenMs = lastSeenMs
    }
}

/// The live-worker registry: each worker refreshes its entry with a time to live, so a worker
/// that dies disappears by itself within that TTL.
public protocol WorkerRegistry: Sendable {
    func announce(_ worker: WorkerInfo, ttlMs: Int64) async throws
    func withdraw(workerID: String) async throws
    func liveWorkers() async throws -> [WorkerInfo]
}
