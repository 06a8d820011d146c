import GantryCore
import GantryRedis
import GantryRedisQueue
import GantryTesting
import Synchronization
import Testing

/// The queue's semantics, run once against the in-memory driver and once against a real
/// redis-server: both drivers must pass every test here.
@Suite("Driver behaviour")
struct DriverBehaviourTests {
    @Test(arguments: DriverUnderTest.allCases)
    func enqueuedJobIsLeasedOnceWithAttemptOneAndAckedOnce(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let id = try await h.enqueue(n: 7)
            let leased = try await h.driver.lease(queue: h.name, consumer: "c1", max: 10, leaseMs: 10_000)
            #expect(leased.map(\.id) == [id])
            #expect(leased.first?.token.consumer == "c1")
            #expect(leased.first?.envelope.attempt == 1)
            #expect(leased.first?.envelope.payload["n"] == .integer(7))
            #expect(try await h.driver.lease(queue: h.name, consumer: "c2", max: 10, leaseMs: 10_000).isEmpty)
            #expect(try await h.driver.ack(queue: h.name, leases: leased.map(\.lease)) == 1)
            #expect(try await h.driver.ack(queue: h.name, leases: leased.map(\.lease)) == 0)
            let info = try await h.driver.job(queue: h.name, id: id)
            #expect(info?.state == .completed)
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.ready == 0 && stats.leased == 0 && stats.processed == 1)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func oneAckOfLeasesFromSeveralLeaseCallsSettlesEachLiveLeaseOnceAndNoStaleOne(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            for n in 0..<5 { _ = try await h.enqueue(n: n) }
            let first = try await h.driver.lease(queue: h.name, consumer: "a", max: 2, leaseMs: 60_000)
            let second = try await h.driver.lease(queue: h.name, consumer: "b", max: 3, leaseMs: 60_000)
            #expect(first.count == 2 && second.count == 3)
            // The tokens interleaved, one lease twice, and a lease of a live job under a token that never held it.
            let forged = Lease(id: second[0].id, token: first[0].token)
            let batch = [first[0].lease, second[0].lease, forged, first[1].lease, second[1].lease, first[0].lease]
            #expect(try await h.driver.ack(queue: h.name, leases: batch) == 4)
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.processed == 4 && stats.leased == 1)
            #expect(try await h.driver.job(queue: h.name, id: second[2].id)?.state == .leased)
            #expect(try await h.driver.ack(queue: h.name, leases: [second[2].lease]) == 1)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func higherPriorityLeasesFirstAndEachPriorityIsFIFO(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            var expected: [Int: [JobID]] = [:]
            for i in 0..<12 {
                let priority = [1, 5, 9][i % 3]
                expected[priority, default: []].append(try await h.enqueue(n: i) { $0.priority = priority })
            }
            var order: [JobID] = []
            while true {
                let batch = try await h.driver.lease(queue: h.name, consumer: "c", max: 5, leaseMs: 10_000)
                if batch.isEmpty { break }
                order += batch.map(\.id)
            }
            #expect(order == expected[9]! + expected[5]! + expected[1]!)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func secondEnqueueWithSameUniqueKeyReturnsFirstJobAndStoresNothing(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let first = try await h.queue.enqueue(JobRequest(kind: "test.echo", payload: ["n": 1], queue: h.name, uniqueKey: "report:42", uniqueForMs: 60_000))
            let second = try await h.queue.enqueue(JobRequest(kind: "test.echo", payload: ["n": 2], queue: h.name, uniqueKey: "report:42", uniqueForMs: 60_000))
            let other = try await h.queue.enqueue(JobRequest(kind: "test.echo", payload: ["n": 3], queue: h.name, uniqueKey: "report:43", uniqueForMs: 60_000))
            #expect(first.enqueued && !second.enqueued && other.enqueued)
            #expect(second.id == first.id)
            #expect(try await h.driver.stats(queue: h.name).ready == 2)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func uniqueKeyIsFreeAgainAfterItsWindow(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let request = JobRequest(kind: "test.echo", payload: ["n": 1], queue: h.name, uniqueKey: "k", uniqueForMs: 100)
            let first = try await h.queue.enqueue(request)
            // Refused (the holder's ID back, nothing stored) until the 100 ms window ends.
            let again = try await eventually("the unique key's window to end", timeout: .seconds(10), every: .milliseconds(20)) {
                try await h.queue.enqueue(request)
            } until: { $0.enqueued }
            #expect(again.id != first.id)
            #expect(try await h.driver.stats(queue: h.name).ready == 2)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func delayedJobWaitsUntilDueThenPromotionMakesItReady(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            // A long delay for "not before its time", a short one for "ready once due": no pause of
            // a loaded test machine can make the first one due.
            let later = try await h.enqueue(n: 1) { $0.delayMs = 600_000 }
            #expect(try await h.driver.stats(queue: h.name).delayed >= 1)
            #expect(try await h.driver.job(queue: h.name, id: later)?.state == .delayed)
            let soon = try await h.enqueue(n: 2) { $0.delayMs = 300 }
            var leased: [JobID] = []
            let ran = try await eventually(timeoutMs: 20_000) {
                _ = try await h.driver.promoteDue(queue: h.name, limit: 100)
                leased += try await h.driver.lease(queue: h.name, consumer: "c", max: 10, leaseMs: 10_000).map(\.id)
                return !leased.isEmpty
            }
            #expect(ran)
            #expect(leased == [soon])
            #expect(try await h.driver.promoteDue(queue: h.name, limit: 100) == 0)
            #expect(try await h.driver.stats(queue: h.name).delayed == 1)
            #expect(try await h.driver.job(queue: h.name, id: later)?.state == .delayed)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func crashedConsumersJobsComeBackAfterLeaseDeadlineAndCompleteElsewhere(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            var ids: Set<JobID> = []
            for i in 0..<5 { ids.insert(try await h.enqueue(n: i)) }
            // The crashed consumer leases and never acks.
            let lost = try await h.driver.lease(queue: h.name, consumer: "crashed", max: 10, leaseMs: 3_000)
            #expect(Set(lost.map(\.id)) == ids)
            #expect(try await h.driver.reclaimExpired(queue: h.name, limit: 100) == ReclaimResult())
            let reclaimed = try await eventually(timeoutMs: 10_000) {
                try await h.driver.reclaimExpired(queue: h.name, limit: 100).requeued == 5
            }
            #expect(reclaimed)
            let again = try await h.driver.lease(queue: h.name, consumer: "healthy", max: 10, leaseMs: 10_000)
            #expect(Set(again.map(\.id)) == ids)
            // A lapsed lease gives its attempt back (the first LeaseLapsePolicy.freeLapses times).
            #expect(again.allSatisfy { $0.envelope.attempt == 1 })
            // The crashed consumer waking up late cannot ack what is no longer its own.
            #expect(try await h.driver.ack(queue: h.name, leases: lost.map(\.lease)) == 0)
            #expect(try await h.driver.ack(queue: h.name, leases: again.map(\.lease)) == 5)
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.reclaimed == 5 && stats.processed == 5 && stats.leased == 0 && stats.ready == 0)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func failedJobRetriesWithBackoffThenDiesWithLastErrorAndManualRetryRevivesIt(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let id = try await h.enqueue { $0.maxAttempts = 3 }
            let strategy = RetryStrategy.exponential(baseMs: 50, capMs: 1_000, jitter: false)
            for attempt in 1...3 {
                let leased = try await eventually {
                    _ = try await h.driver.promoteDue(queue: h.name, limit: 10)
                    return try await h.driver.stats(queue: h.name).ready == 1
                }
                #expect(leased)
                let job = try #require(try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 10_000).first)
                #expect(job.envelope.attempt == attempt)
                // Taken before the call, so a test process paused after it cannot make runAt look old.
                let failedAt = WallClock.nowMs()
                let outcome = try await h.driver.fail(
                    queue: h.name,
                    failures: [JobFailure(lease: job.lease, error: "boom \(attempt)", retryDelayMs: strategy.delayMs(afterAttempt: attempt))])
                if attempt < 3 {
                    guard case .retrying(_, let runAt)? = outcome.first else {
                        Issue.record("expected a retry, got \(outcome)")
                        return
                    }
                    #expect(runAt > failedAt - 1_000)
                    #expect(try await h.driver.job(queue: h.name, id: id)?.state == .delayed)
                } else {
                    #expect(outcome == [.dead(id)])
                }
            }
            let dead = try #require(try await h.driver.job(queue: h.name, id: id))
            #expect(dead.state == .dead && dead.lastError == "boom 3" && dead.attemptsUsed == 3)
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.dead == 1 && stats.failed == 3 && stats.retried == 2)
            #expect(try await h.driver.retryDead(queue: h.name, ids: nil) == 1)
            let revived = try #require(try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 10_000).first)
            #expect(revived.id == id && revived.envelope.attempt == 1)
            #expect(try await h.driver.stats(queue: h.name).dead == 0)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func permanentFailureGoesToDeadLetterAtOnce(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let id = try await h.enqueue { $0.maxAttempts = 10 }
            let leased = try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 10_000)
            let outcome = try await h.driver.fail(queue: h.name, failures: [JobFailure(lease: leased[0].lease, error: "bad record", retryDelayMs: nil)])
            #expect(outcome == [.dead(id)])
            #expect(try await h.driver.job(queue: h.name, id: id)?.lastError == "bad record")
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func purgeRemovesOnlyDeadJobsOlderThanRetention(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let old = try await h.enqueue()
            let first = try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 10_000)
            _ = try await h.driver.fail(queue: h.name, failures: [JobFailure(lease: first[0].lease, error: "x", retryDelayMs: nil)])
            // Time passes in Redis's clock, which the purge reads: not a poll.
            try await Task.sleep(for: .milliseconds(4_000))
            let young = try await h.enqueue()
            let second = try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 10_000)
            _ = try await h.driver.fail(queue: h.name, failures: [JobFailure(lease: second[0].lease, error: "y", retryDelayMs: nil)])
            #expect(try await h.driver.purgeDead(queue: h.name, olderThanMs: 2_500) == 1)
            #expect(try await h.driver.job(queue: h.name, id: old) == nil)
            #expect(try await h.driver.job(queue: h.name, id: young)?.state == .dead)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func cancelStopsWaitingAndDelayedJobsAndFlagsRunningOnes(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let running = try await h.enqueue(n: 1)
            let runningLease = try #require(try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 10_000).first).lease
            let waiting = try await h.enqueue(n: 2)
            let delayed = try await h.enqueue(n: 3) { $0.delayMs = 60_000 }
            #expect(try await h.driver.cancel(queue: h.name, id: waiting) == .cancelled)
            #expect(try await h.driver.cancel(queue: h.name, id: delayed) == .cancelled)
            #expect(try await h.driver.cancel(queue: h.name, id: running) == .cancelRequested)
            #expect(try await h.driver.cancel(queue: h.name, id: waiting) == .alreadyFinished)
            #expect(try await h.driver.cancel(queue: h.name, id: JobID()) == .notFound)
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.ready == 0 && stats.delayed == 0 && stats.leased == 1)
            let heartbeat = try await h.driver.extendLeases(queue: h.name, leases: [runningLease], leaseMs: 10_000)
            #expect(heartbeat.extended == [runningLease] && heartbeat.cancelRequested == [runningLease])
            #expect(try await h.driver.job(queue: h.name, id: waiting)?.state == .cancelled)
            #expect(try await h.driver.lease(queue: h.name, consumer: "c", max: 10, leaseMs: 10_000).isEmpty)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func heartbeatExtendsTheLeaseAndReportsLostJobs(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let id = try await h.enqueue()
            let lease = try #require(try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 3_000).first).lease
            for _ in 0..<4 {
                // Real time passes between heartbeats, past the first deadline: not a poll.
                try await Task.sleep(for: .milliseconds(1_000))
                #expect(try await h.driver.extendLeases(queue: h.name, leases: [lease], leaseMs: 3_000).extended == [lease])
            }
            // 4 s have passed since the lease, past its first deadline, yet nothing expired.
            #expect(try await h.driver.reclaimExpired(queue: h.name, limit: 10).requeued == 0)
            // Another token for the same job (the same consumer, even) holds nothing.
            let forged = Lease(id: id, token: LeaseToken.make(consumer: "c"))
            #expect(try await h.driver.extendLeases(queue: h.name, leases: [forged], leaseMs: 300).lost == [forged])
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func releaseHandsJobsBackToTheFrontWithoutCountingTheAttempt(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let a = try await h.enqueue(n: 1)
            let b = try await h.enqueue(n: 2)
            let c = try await h.enqueue(n: 3)
            let held = try await h.driver.lease(queue: h.name, consumer: "w", max: 2, leaseMs: 10_000)
            #expect(held.map(\.id) == [a, b])
            #expect(try await h.driver.release(queue: h.name, leases: held.map(\.lease)) == 2)
            let again = try await h.driver.lease(queue: h.name, consumer: "w2", max: 3, leaseMs: 10_000)
            #expect(again.map(\.id) == [a, b, c])
            #expect(again.map(\.envelope.attempt) == [1, 1, 1])
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func progressIsStoredWithTheJob(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let id = try await h.enqueue()
            let lease = try #require(try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 10_000).first).lease
            try await h.driver.setProgress(queue: h.name, lease: lease, percent: 40, message: "batch 2 of 5")
            try await h.driver.setProgress(queue: h.name, lease: lease, percent: 140, message: nil)
            let info = try #require(try await h.driver.job(queue: h.name, id: id))
            #expect(info.progress == 100)
            await #expect(throws: GantryError.self) {
                try await h.driver.setProgress(queue: h.name, lease: Lease(id: JobID(), token: lease.token), percent: 1, message: nil)
            }
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func statisticsCountEveryStateAndQueueLatency(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            for i in 0..<6 { _ = try await h.enqueue(n: i) }
            _ = try await h.enqueue { $0.delayMs = 60_000 }
            // The oldest ready job ages 50 ms, for the latency figure: not a poll.
            try await Task.sleep(for: .milliseconds(50))
            let leased = try await h.driver.lease(queue: h.name, consumer: "c", max: 3, leaseMs: 10_000)
            _ = try await h.driver.ack(queue: h.name, leases: [leased[0].lease])
            _ = try await h.driver.fail(queue: h.name, failures: [JobFailure(lease: leased[1].lease, error: "e", retryDelayMs: nil)])
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.ready == 3 && stats.leased == 1 && stats.delayed == 1 && stats.dead == 1)
            #expect(stats.processed == 1 && stats.failed == 1)
            #expect((stats.oldestReadyAgeMs ?? -1) >= 40)
            let empty = try await h.driver.stats(queue: QueueName("nothing-here"))
            #expect(empty.ready == 0 && empty.oldestReadyAgeMs == nil)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func eventStreamRecordsEachTransition(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let id = try await h.enqueue()
            let leased = try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 10_000)
            _ = try await h.driver.ack(queue: h.name, leases: leased.map(\.lease))
            let events = try await h.driver.events(queue: h.name, after: nil, limit: 100)
            #expect(events.map(\.kind) == [.enqueued, .leased, .acked])
            #expect(events.allSatisfy { $0.ids == [id] })
            let rest = try await h.driver.events(queue: h.name, after: events[0].cursor, limit: 100)
            #expect(rest.map(\.kind) == [.leased, .acked])
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func idleWaiterWakesWhenAJobIsEnqueued(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            #expect(try await h.driver.waitForWork(queues: [h.name], timeoutMs: 100) == false)
            async let woke = h.driver.waitForWork(queues: [h.name], timeoutMs: 20_000)
            // Gives the waiter time to block before the enqueue (it wakes either way): not a poll.
            try await Task.sleep(for: .milliseconds(100))
            let started = WallClock.nowMs()
            _ = try await h.enqueue()
            #expect(try await woke == true)
            // Woken by the enqueue, not by the 20 s timeout.
            #expect(WallClock.nowMs() - started < 10_000)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func eightConcurrentConsumersAckFiftyThousandJobsExactlyOnce(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind, completedRetentionMs: 0, poolSize: 10) { h in
            let total = 50_000
            var requests: [JobRequest] = []
            for i in 0..<total { requests.append(JobRequest(kind: "test.echo", payload: ["n": .integer(Int64(i))], queue: h.name)) }
            for start in stride(from: 0, to: total, by: 5_000) {
                _ = try await h.queue.enqueue(Array(requests[start..<start + 5_000]))
            }
            let seen = Tally()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for c in 0..<8 {
                    group.addTask {
                        while true {
                            let batch = try await h.driver.lease(queue: h.name, consumer: "c\(c)", max: 100, leaseMs: 60_000)
                            if batch.isEmpty { return }
                            seen.counts.withLock { s in
                                for job in batch {
                                    if case .integer(let n)? = job.envelope.payload["n"] { s[Int(n), default: 0] += 1 }
                                }
                            }
                            let acked = try await h.driver.ack(queue: h.name, leases: batch.map(\.lease))
                            #expect(acked == batch.count)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let counts = seen.counts.withLock { $0 }
            #expect(counts.count == total)
            #expect(counts.values.allSatisfy { $0 == 1 })
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.ready == 0 && stats.leased == 0 && stats.delayed == 0 && stats.dead == 0)
            #expect(stats.processed == total)
        }
    }
}

/// How often each job was seen, shared by concurrent consumers.
final class Tally: Sendable {
    let counts = Mutex<[Int: Int]>([:])
}
