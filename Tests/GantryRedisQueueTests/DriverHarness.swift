import GantryCore
import GantryRedis
import GantryRedisQueue
import GantryTesting
import Testing

/// The two drivers that must behave the same: one behaviour suite runs against both.
enum DriverUnderTest: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, redis
    var testDescription: String { rawValue }
}

/// A driver with its own key space and queue, closed after the test.
struct Harness: Sendable {
    let driver: any JobQueueBackend
    let queue: JobQueue
    let name: QueueName
    let pool: RedisConnectionPool?

    static let testKinds: JobKindRegistry = {
        var registry = JobKindRegistry.builtIn
        registry.register(JobKindDescriptor(
            name: "test.echo",
            schema: .object([.init("n", .integer(0...1_000_000)), .init("note", .string(maxLength: 2_000_000), required: false)])))
        return registry
    }()

    func enqueue(_ kind: String = "test.echo", n: Int = 0, _ configure: (inout JobRequest) -> Void = { _ in }) async throws -> JobID {
        var request = JobRequest(kind: kind, payload: .object(["n": .integer(Int64(n))]), queue: name)
        configure(&request)
        return try await queue.enqueue(request).id
    }
}

func withHarness(
    _ kind: DriverUnderTest, completedRetentionMs: Int64 = 60_000, poolSize: Int = 4,
    deadLetter: DeadLetterRetention = .default, enqueueChunk: Int = 1000,
    _ body: (Harness) async throws -> Void
) async throws {
    let name = try QueueName(TestServers.uniquePrefix("q").replacingOccurrences(of: ":", with: "-"))
    switch kind {
    case .memory:
        var configuration = MemoryJobQueueDriver.Configuration()
        configuration.completedRetentionMs = completedRetentionMs
        configuration.deadLetter = deadLetter
        let driver = MemoryJobQueueDriver(configuration: configuration)
        return try await body(Harness(driver: driver, queue: JobQueue(driver: driver, registry: Harness.testKinds), name: name, pool: nil))
    case .redis:
        let pool = RedisConnectionPool(configuration: try RedisConfiguration(url: try TestServers.redisURL()), size: poolSize)
        var configuration = RedisJobQueueDriver.Configuration()
        configuration.keyPrefix = "gantry-test"
        configuration.completedRetentionMs = completedRetentionMs
        configuration.deadLetter = deadLetter
        configuration.enqueueChunk = enqueueChunk
        let driver = RedisJobQueueDriver(pool: pool, configuration: configuration)
        do {
            try await body(Harness(driver: driver, queue: JobQueue(driver: driver, registry: Harness.testKinds), name: name, pool: pool))
            await pool.close()
        } catch {
            await pool.close()
            throw error
        }
    }
}

/// Whether `check` came to hold within `timeoutMs`: GantryTesting's bounded `eventually`, as a
/// Bool for `#expect`; for waits on lease deadlines and delays, which are real time in Redis.
func eventually(timeoutMs: Int64 = 20_000, _ check: () async throws -> Bool) async throws -> Bool {
    do {
        try await eventually("the condition", timeout: .milliseconds(timeoutMs), every: .milliseconds(20), check)
        return true
    } catch is WaitTimeout {
        return false
    }
}
