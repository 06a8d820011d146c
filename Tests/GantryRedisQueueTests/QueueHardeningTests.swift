import GantryCore
import GantryRedis
@testable import GantryRedisQueue
import GantryTesting
import Testing

/// The defects a review found in the queue (issue 10), each reproduced here, against both drivers
/// where the behaviour is the queue's and against the Redis scripts where it is theirs.
@Suite("Queue hardening")
struct QueueHardeningTests {
    // MARK: A cancelled job ends cancelled, whichever way its run ends

    @Test(arguments: DriverUnderTest.allCases)
    func cancelAskedWhileRunningEndsCancelledAfterRetryableFailureReleaseOrLapse(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let failed = try await h.enqueue(n: 1) { $0.maxAttempts = 5 }
            let released = try await h.enqueue(n: 2)
            let lapsed = try await h.enqueue(n: 3)
            let short = try await h.driver.lease(queue: h.name, consumer: "w", max: 2, leaseMs: 60_000)
            let long = try await h.driver.lease(queue: h.name, consumer: "w", max: 1, leaseMs: 300)
            #expect(short.map(\.id) == [failed, released] && long.map(\.id) == [lapsed])
            for id in [failed, released, lapsed] {
                #expect(try await h.driver.cancel(queue: h.name, id: id) == .cancelRequested)
            }
            // A retryable failure (the handler saw the cancellation as an error), a drain, a lapse.
            let outcome = try await h.driver.fail(
                queue: h.name, failures: [JobFailure(lease: short[0].lease, error: "interrupted", retryDelayMs: 10)])
            #expect(outcome == [.cancelled(failed)])
            #expect(try await h.driver.release(queue: h.name, leases: [short[1].lease]) == 1)
            let reclaimed = try await eventually(timeoutMs: 10_000) {
                try await h.driver.reclaimExpired(queue: h.name, limit: 10).cancelled == 1
            }
            #expect(reclaimed)
            for id in [failed, released, lapsed] {
                #expect(try await h.driver.job(queue: h.name, id: id)?.state == .cancelled)
            }
            _ = try await h.driver.promoteDue(queue: h.name, limit: 10)
            #expect(try await h.driver.lease(queue: h.name, consumer: "w", max: 10, leaseMs: 60_000).isEmpty)
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.ready == 0 && stats.delayed == 0 && stats.leased == 0 && stats.dead == 0)
        }
    }

    // MARK: No unique lock for a job that does not exist

    @Test(arguments: DriverUnderTest.allCases)
    func refusedEnqueueLeavesNoUniqueLockBehind(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            await #expect(throws: GantryError.self) {
                _ = try await h.queue.enqueue(
                    JobRequest(kind: "test.echo", payload: ["n": 1], queue: h.name, uniqueKey: "import:7", uniqueForMs: .max))
            }
            let taken = try await h.queue.enqueue(
                JobRequest(kind: "test.echo", payload: ["n": 2], queue: h.name, uniqueKey: "import:7", uniqueForMs: 60_000))
            #expect(taken.enqueued)
            #expect(try await h.driver.stats(queue: h.name).ready == 1)
        }
    }

    @Test
    func enqueueScriptWithABadArgumentWritesNothingAtAll() async throws {
        try await withHarness(.redis) { h in
            let redis = try #require(h.driver as? RedisJobQueueDriver)
            let good = JobEnvelope(kind: "test.echo", queue: h.name, payload: ["n": 1], uniqueKey: "k1", uniqueForMs: 60_000)
            let bad = JobEnvelope(kind: "test.echo", queue: h.name, payload: ["n": 2], uniqueKey: "k2", uniqueForMs: 60_000)
            var args: [RedisArgument] = [RedisArgument(2)]
            for (envelope, uniqueFor) in [(good, "60000"), (bad, "9223372036854775807")] {
                args += [
                    RedisArgument(envelope.id.description), RedisArgument(5), RedisArgument(0), RedisArgument(envelope.uniqueKey!),
                    RedisArgument(uniqueFor), RedisArgument(try envelope.encoded()), "",
                ]
            }
            await #expect(throws: RedisError.self) {
                _ = try await redis.pool.run(QueueScripts.enqueue, keys: [redis.prefix(h.name)], arguments: args)
            }
            let keys = try await redis.pool.send(["KEYS", RedisArgument("gantry-test:{\(h.name.rawValue)}:*")])
            #expect(keys.array?.isEmpty == true, "the refused call left \(keys)")
        }
    }

    // MARK: A bulk enqueue in chunks says exactly which jobs were taken

    @Test
    func bulkEnqueueWhoseSecondChunkFailsReportsTheJobsOfTheFirst() async throws {
        try await withHarness(.redis, enqueueChunk: 2) { h in
            let redis = try #require(h.driver as? RedisJobQueueDriver)
            // A unique key that is not a string makes the second chunk's script fail in Redis.
            _ = try await redis.pool.send(["HSET", redis.key(h.name, "unique:blocked"), "x", "1"])
            var requests = (0..<4).map { JobRequest(kind: "test.echo", payload: ["n": .integer(Int64($0))], queue: h.name) }
            requests[3].uniqueKey = "blocked"
            do {
                _ = try await h.queue.enqueue(requests)
                Issue.record("the enqueue should have failed part-way")
            } catch let error as PartialEnqueueError {
                #expect(error.results.map { $0?.enqueued } == [true, true, nil, nil])
                #expect(error.taken == 2)
                #expect(error.description.contains("stored 2 of 4"))
            }
            #expect(try await h.driver.stats(queue: h.name).ready == 2)
        }
    }

    @Test
    func enqueueRetriedWithTheSameIDsStoresEachJobOnce() async throws {
        try await withHarness(.redis) { h in
            let envelopes = (0..<3).map { JobEnvelope(kind: "test.echo", queue: h.name, payload: ["n": .integer(Int64($0))]) }
            _ = try await h.driver.enqueue(envelopes)
            let again = try await h.driver.enqueue(envelopes)
            #expect(again.map(\.id) == envelopes.map(\.id))
            #expect(try await h.driver.stats(queue: h.name).ready == 3)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func theSameJobTwiceInOneCallIsStoredAndRunOnce(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let job = JobEnvelope(kind: "test.echo", queue: h.name, payload: ["n": 1])
            let results = try await h.driver.enqueue([job, job])
            #expect(results.map(\.id) == [job.id, job.id])
            #expect(try await h.driver.stats(queue: h.name).ready == 1)
            let leased = try await h.driver.lease(queue: h.name, consumer: "w", max: 10, leaseMs: 60_000)
            #expect(leased.map(\.id) == [job.id])
            // Enqueued again while leased: the running job is left as it is.
            _ = try await h.driver.enqueue([job])
            #expect(try await h.driver.job(queue: h.name, id: job.id)?.state == .leased)
            #expect(try await h.driver.lease(queue: h.name, consumer: "w", max: 10, leaseMs: 60_000).isEmpty)
        }
    }

    // MARK: The dead letter is bounded

    @Test(arguments: DriverUnderTest.allCases)
    func deadLetterKeepsAtMostItsCountDroppingTheOldest(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind, deadLetter: DeadLetterRetention(maxJobs: 3, maxAgeMs: 86_400_000)) { h in
            var ids: [JobID] = []
            for i in 0..<5 {
                let id = try await h.enqueue(n: i)
                let lease = try #require(try await h.driver.lease(queue: h.name, consumer: "w", max: 1, leaseMs: 60_000).first).lease
                _ = try await h.driver.fail(queue: h.name, failures: [JobFailure(lease: lease, error: "bad \(i)", retryDelayMs: nil)])
                ids.append(id)
                // Distinct times of death, so "oldest" is well defined: not a poll.
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(try await h.driver.stats(queue: h.name).dead == 3)
            #expect(try await h.driver.job(queue: h.name, id: ids[0]) == nil)
            #expect(try await h.driver.job(queue: h.name, id: ids[1]) == nil)
            #expect(try await h.driver.job(queue: h.name, id: ids[4])?.state == .dead)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func deadLetterForgetsJobsOlderThanItsAge(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind, deadLetter: DeadLetterRetention(maxJobs: 10_000, maxAgeMs: 200)) { h in
            let old = try await h.enqueue(n: 1)
            let first = try #require(try await h.driver.lease(queue: h.name, consumer: "w", max: 1, leaseMs: 60_000).first)
            _ = try await h.driver.fail(queue: h.name, failures: [JobFailure(lease: first.lease, error: "x", retryDelayMs: nil)])
            // The first death ages past the 200 ms retention: not a poll.
            try await Task.sleep(for: .milliseconds(400))
            let young = try await h.enqueue(n: 2)
            let second = try #require(try await h.driver.lease(queue: h.name, consumer: "w", max: 1, leaseMs: 60_000).first)
            _ = try await h.driver.fail(queue: h.name, failures: [JobFailure(lease: second.lease, error: "y", retryDelayMs: nil)])
            #expect(try await h.driver.job(queue: h.name, id: old) == nil)
            #expect(try await h.driver.job(queue: h.name, id: young)?.state == .dead)
            #expect(try await h.driver.stats(queue: h.name).dead == 1)
        }
    }

    // MARK: Fenced leases

    @Test(arguments: DriverUnderTest.allCases)
    func lapsedLeaseReLeasedToTheSameConsumerCannotSettleOrReportForTheNewRun(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let id = try await h.enqueue()
            let old = try #require(try await h.driver.lease(queue: h.name, consumer: "w", max: 1, leaseMs: 300).first).lease
            let back = try await eventually(timeoutMs: 10_000) {
                try await h.driver.reclaimExpired(queue: h.name, limit: 10).requeued == 1
            }
            #expect(back)
            let new = try #require(try await h.driver.lease(queue: h.name, consumer: "w", max: 1, leaseMs: 60_000).first).lease
            #expect(new.id == id && new.token != old.token)
            // The old run, still going, can neither extend, report, fail nor ack for the new one.
            #expect(try await h.driver.extendLeases(queue: h.name, leases: [old], leaseMs: 60_000).lost == [old])
            await #expect(throws: GantryError.self) {
                try await h.driver.setProgress(queue: h.name, lease: old, percent: 99, message: "old run")
            }
            #expect(try await h.driver.fail(queue: h.name, failures: [JobFailure(lease: old, error: "old", retryDelayMs: nil)]) == [.stale(id)])
            #expect(try await h.driver.ack(queue: h.name, leases: [old]) == 0)
            #expect(try await h.driver.job(queue: h.name, id: id)?.state == .leased)
            try await h.driver.setProgress(queue: h.name, lease: new, percent: 10, message: "new run")
            #expect(try await h.driver.job(queue: h.name, id: id)?.progressMessage == "new run")
            #expect(try await h.driver.ack(queue: h.name, leases: [new]) == 1)
            #expect(try await h.driver.stats(queue: h.name).processed == 1)
        }
    }

    // MARK: A lapse is not an attempt (the first few times)

    @Test(arguments: DriverUnderTest.allCases)
    func leaseLapsedOnTheLastAttemptRunsAgainInsteadOfDying(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let id = try await h.enqueue { $0.maxAttempts = 1 }
            var lapses = 0
            // LeaseLapsePolicy's free lapses: a worker cut off from Redis that many times in a row
            // still gets to run its job.
            for _ in 0..<LeaseLapsePolicy().freeLapses {
                let job = try #require(try await h.driver.lease(queue: h.name, consumer: "w", max: 1, leaseMs: 200).first)
                #expect(job.envelope.attempt == 1)
                let back = try await eventually(timeoutMs: 10_000) {
                    try await h.driver.reclaimExpired(queue: h.name, limit: 10).requeued == 1
                }
                #expect(back)
                lapses += 1
            }
            #expect(try await h.driver.job(queue: h.name, id: id)?.state == .ready)
            // One lapse more uses the attempt: a job that kills its worker every time still dies.
            _ = try #require(try await h.driver.lease(queue: h.name, consumer: "w", max: 1, leaseMs: 200).first)
            let died = try await eventually(timeoutMs: 10_000) {
                try await h.driver.reclaimExpired(queue: h.name, limit: 10).dead == 1
            }
            #expect(died)
            let info = try await h.driver.job(queue: h.name, id: id)
            #expect(info?.state == .dead)
            #expect(info?.lastError?.contains("lease expired on the last attempt") == true)
        }
    }

    // MARK: Bounds on every option

    @Test(arguments: DriverUnderTest.allCases)
    func extremeOptionsAreRefusedAtEnqueueWithTheField(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let cases: [(String, (inout JobRequest) -> Void)] = [
                ("timeout", { $0.timeoutMs = .max }), ("timeout", { $0.timeoutMs = 0 }), ("timeout", { $0.timeoutMs = .min }),
                ("delay", { $0.delayMs = .max }), ("delay", { $0.delayMs = -1 }), ("delay", { $0.delayMs = .min }),
                ("runAt", { $0.runAtMs = .max }), ("runAt", { $0.runAtMs = -1 }),
                ("maxAttempts", { $0.maxAttempts = .max }), ("maxAttempts", { $0.maxAttempts = 0 }),
                ("priority", { $0.priority = .max }), ("priority", { $0.priority = .min }),
                ("uniqueFor", { $0.uniqueKey = "k"; $0.uniqueForMs = .max }), ("uniqueFor", { $0.uniqueKey = "k"; $0.uniqueForMs = 0 }),
                ("projectID", { $0.projectID = "acme\u{0}" }), ("projectID", { $0.projectID = "" }),
                ("uniqueKey", { $0.uniqueKey = "k\u{1b}[2J" }),
            ]
            for (field, configure) in cases {
                var request = JobRequest(kind: "test.echo", payload: ["n": 1], queue: h.name)
                configure(&request)
                do {
                    _ = try await h.queue.enqueue(request)
                    Issue.record("\(field): accepted \(request)")
                } catch let error as GantryError {
                    #expect(error.code == .invalidOption && error.field == field, "\(field): \(error)")
                }
            }
            // The largest accepted values run without overflow anywhere.
            let top = try await h.enqueue {
                $0.timeoutMs = JobEnvelope.maxTimeoutMs
                $0.delayMs = JobEnvelope.maxDelayMs
                $0.maxAttempts = 1000
                $0.priority = 9
                $0.uniqueKey = "top"
                $0.uniqueForMs = JobEnvelope.maxUniqueForMs
            }
            #expect(try await h.driver.job(queue: h.name, id: top)?.state == .delayed)
            #expect(try await h.driver.stats(queue: h.name).ready == 0)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func payloadTheParserCouldNotReadBackIsRefusedAtEnqueue(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            var deep: JSONValue = ["n": 1]
            for _ in 0..<JSONValue.maxPayloadDepth { deep = .array([deep]) }
            let refusals: [(JSONValue, String)] = [
                (["n": 1, "note": .string("a\u{0}b")], "control character U+0000"),
                (["n": 1, "note": "line\u{7}bell"], "control character U+0007"),
                (["n": 1, "bad\u{0}key": 1], "key contains"),
                (["n": 1, "x": .number(.nan)], "not a finite number"),
                (["n": 1, "deep": deep], "nested deeper"),
            ]
            for (payload, reason) in refusals {
                var envelope = JobEnvelope(kind: "gantry.noop", queue: h.name, payload: payload)
                envelope.payload = payload
                do {
                    _ = try await h.driver.enqueue([envelope])
                    Issue.record("accepted \(reason)")
                } catch let error as GantryError {
                    #expect(error.code == .invalidPayload && error.message.contains(reason), "\(error)")
                    #expect(error.field?.hasPrefix("payload") == true)
                }
            }
            // Text with tabs and line breaks is fine, and so is the deepest readable payload.
            var deepest: JSONValue = 1
            for _ in 0..<(JSONValue.maxPayloadDepth - 1) { deepest = .array([deepest]) }
            _ = try await h.driver.enqueue([JobEnvelope(kind: "gantry.noop", queue: h.name, payload: ["note": "a\tb\r\nc", "d": deepest])])
            let leased = try await h.driver.lease(queue: h.name, consumer: "w", max: 10, leaseMs: 60_000)
            #expect(leased.count == 1)
            #expect(try await h.driver.stats(queue: h.name).dead == 0)
        }
    }
}
