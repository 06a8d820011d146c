import GantryCore
import GantryRedis
import GantryRedisQueue
import GantryTesting
import Testing

/// Bad input is refused with a precise error and stores nothing; a corrupt body already in Redis
/// goes to the dead letter with the reason, never silently away.
@Suite("Bad input")
struct BadInputTests {
    @Test(arguments: DriverUnderTest.allCases)
    func unknownKindIsRefusedAndNothingIsEnqueued(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { (h: Harness) async throws in
            let error = await #expect(throws: GantryError.self) {
                _ = try await h.queue.enqueue(JobRequest(kind: "report.biuld", queue: h.name))
            }
            #expect(error?.code == .unknownKind)
            #expect(error?.message.contains("report.biuld") == true)
            #expect(try await h.driver.stats(queue: h.name).ready == 0)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func payloadFailingItsSchemaNamesTheFieldAndNothingIsEnqueued(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { (h: Harness) async throws in
            let error = await #expect(throws: GantryError.self) {
                _ = try await h.queue.enqueue(JobRequest(kind: "gantry.sleep", payload: ["ms": "soon"], queue: h.name))
            }
            #expect(error?.code == .invalidPayload && error?.field == "ms" && error?.kind == "gantry.sleep")
            // In a bulk enqueue one bad job stores nothing at all.
            let good = JobRequest(kind: "gantry.sleep", payload: ["ms": 5], queue: h.name)
            let bad = JobRequest(kind: "gantry.sleep", payload: ["ms": -1], queue: h.name)
            await #expect(throws: GantryError.self) { _ = try await h.queue.enqueue([good, good, bad]) }
            #expect(try await h.driver.stats(queue: h.name).ready == 0)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func oversizedPayloadIsRefusedWithItsSizeAndNothingIsEnqueued(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { (h: Harness) async throws in
            let big = String(repeating: "x", count: JobEnvelope.defaultMaxEncodedBytes + 1)
            let error = await #expect(throws: GantryError.self) {
                _ = try await h.queue.enqueue(JobRequest(kind: "test.echo", payload: ["n": 1, "note": .string(big)], queue: h.name))
            }
            #expect(error?.code == .payloadTooLarge)
            #expect(error?.message.contains("over the limit of \(JobEnvelope.defaultMaxEncodedBytes) bytes") == true)
            #expect(try await h.driver.stats(queue: h.name).ready == 0)
        }
    }

    @Test
    func corruptBodyFoundInRedisGoesToTheDeadLetterWithTheReason() async throws {
        try await withHarness(.redis) { (h: Harness) async throws in
            let good = try await h.enqueue(n: 1)
            let corrupt = try await h.enqueue(n: 2)
            let pool = try #require(h.pool)
            _ = try await pool.send(["SET", RedisArgument("gantry-test:{\(h.name)}:job:\(corrupt)"), RedisArgument([0x7B, 0x00, 0xFF])])
            let leased = try await h.driver.lease(queue: h.name, consumer: "c", max: 10, leaseMs: 10_000)
            #expect(leased.map(\.id) == [good])
            #expect(try await h.driver.stats(queue: h.name).dead == 1)
            let died = try await pool.send(["ZSCORE", RedisArgument("gantry-test:{\(h.name)}:dead"), RedisArgument(corrupt.description)])
            #expect(!died.isNull)
            let reason = try await pool.send(["HGET", RedisArgument("gantry-test:{\(h.name)}:meta:\(corrupt)"), "err"])
            #expect(reason.string?.hasPrefix("corrupt job body: corrupt_job") == true)
            let readBack = await #expect(throws: GantryError.self) { _ = try await h.driver.job(queue: h.name, id: corrupt) }
            #expect(readBack?.code == .corruptJob)
        }
    }
}
