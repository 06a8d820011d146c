import GantryCore
import GantryRedis
@testable import GantryRedisQueue
import GantryTesting
import Testing

/// Single enqueues from many concurrent producers (API requests) share Redis round trips.
@Suite("Enqueue batching")
struct EnqueueBatchingTests {
    @Test
    func concurrentSingleEnqueuesAreCoalescedIntoFewDriverCallsAndEachGetsItsOwnAnswer() async throws {
        try await withHarness(.redis) { h in
            let probe = DriverProbe(h.driver)
            let queue = JobQueue(driver: probe, registry: Harness.testKinds)
            let n = 2_000
            let ids = try await withThrowingTaskGroup(of: JobID.self) { group in
                for i in 0..<n {
                    group.addTask {
                        try await queue.enqueue(JobRequest(kind: "test.echo", payload: ["n": .integer(Int64(i))], queue: h.name)).id
                    }
                }
                var ids: Set<JobID> = []
                for try await id in group { ids.insert(id) }
                return ids
            }
            #expect(ids.count == n)
            #expect(try await h.driver.stats(queue: h.name).ready == n)
            // At most 4 batches fly at once and each takes everything that waited: far fewer calls
            // than jobs (the exact number depends on scheduling).
            #expect(probe.enqueueCalls < n / 4, "\(probe.enqueueCalls) driver calls for \(n) jobs")
        }
    }

    @Test
    func coalescedEnqueuesWithOneUniqueKeyStoreOneJobAndAllGetItsID() async throws {
        try await withHarness(.redis) { h in
            let ids = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        try await h.queue.enqueue(
                            JobRequest(kind: "test.echo", payload: ["n": .integer(Int64(i))], queue: h.name, uniqueKey: "once", uniqueForMs: 60_000))
                    }
                }
                var results: [EnqueueResult] = []
                for try await r in group { results.append(r) }
                return results
            }
            #expect(ids.filter(\.enqueued).count == 1)
            #expect(Set(ids.map(\.id)).count == 1)
            #expect(try await h.driver.stats(queue: h.name).ready == 1)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func anOversizedJobCoalescedWithOthersFailsAloneAndTheOthersAreTaken(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let big = String(repeating: "x", count: 600_000)
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for i in 0..<40 {
                    group.addTask {
                        let payload: JSONValue = i == 13 ? ["note": .string(big)] : ["i": .integer(Int64(i))]
                        do {
                            _ = try await h.queue.enqueue(JobRequest(kind: "gantry.noop", payload: payload, queue: h.name))
                            return (i, true)
                        } catch {
                            return (i, false)
                        }
                    }
                }
                var out: [Int: Bool] = [:]
                for await (i, ok) in group { out[i] = ok }
                return out
            }
            let refused = outcomes.filter { !$0.value }.map(\.key)
            #expect(refused == [13])
            let ready = try await h.driver.stats(queue: h.name).ready
            #expect(ready == 39)
        }
    }

    @Test
    func aRefusedJobFailsAloneWhileTheOthersInItsBatchAreTaken() async throws {
        try await withHarness(.redis, enqueueChunk: 1) { h in
            let redis = try #require(h.driver as? RedisJobQueueDriver)
            _ = try await redis.pool.send(["HSET", redis.key(h.name, "unique:blocked"), "x", "1"])
            let results = await withTaskGroup(of: (Int, Result<EnqueueResult, any Error>).self) { group in
                for i in 0..<20 {
                    group.addTask {
                        var request = JobRequest(kind: "test.echo", payload: ["n": .integer(Int64(i))], queue: h.name)
                        if i == 7 { request.uniqueKey = "blocked"; request.uniqueForMs = 60_000 }
                        do { return (i, .success(try await h.queue.enqueue(request))) } catch { return (i, .failure(error)) }
                    }
                }
                var out: [Int: Result<EnqueueResult, any Error>] = [:]
                for await (i, r) in group { out[i] = r }
                return out
            }
            for (i, result) in results {
                switch result {
                case .success: #expect(i != 7, "job 7 was taken despite its broken unique key")
                case .failure(let error): #expect(i == 7, "job \(i) failed: \(error)")
                }
            }
            #expect(try await h.driver.stats(queue: h.name).ready == 19)
        }
    }
}
