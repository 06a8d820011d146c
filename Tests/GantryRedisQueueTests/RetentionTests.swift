import GantryCore
import GantryTesting
import Testing

/// What the README promises about memory and revival, on both drivers: finished jobs expire, the
/// event stream is capped, and dead jobs can be revived one by one.
@Suite("Retention and revival")
struct RetentionTests {
    /// Enqueues, leases and acks one job; returns its ID.
    static func runOneJob(_ h: Harness) async throws -> JobID {
        let id = try await h.enqueue()
        let job = try #require(try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 10_000).first)
        #expect(try await h.driver.ack(queue: h.name, leases: [job.lease]) == 1)
        return id
    }

    @Test(arguments: DriverUnderTest.allCases)
    func aCompletedJobIsReadableWithinItsRetention(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind, completedRetentionMs: 60_000) { h in
            let id = try await Self.runOneJob(h)
            #expect(try await h.driver.job(queue: h.name, id: id)?.state == .completed)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func aCompletedJobIsForgottenAfterItsRetention(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind, completedRetentionMs: 300) { h in
            let id = try await Self.runOneJob(h)
            try await eventually("the completed job to expire after 300 ms", timeout: .seconds(20), every: .milliseconds(50)) {
                try await h.driver.job(queue: h.name, id: id) == nil
            }
            // Counted all the same: the record goes, the statistics stay.
            #expect(try await h.driver.stats(queue: h.name).processed == 1)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func retentionZeroForgetsACompletedJobAtItsAck(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind, completedRetentionMs: 0) { h in
            let id = try await Self.runOneJob(h)
            #expect(try await h.driver.job(queue: h.name, id: id) == nil)
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func theEventStreamKeepsAboutTheLastThousandEvents(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            // 1,500 single enqueues: one event each.
            for start in stride(from: 0, to: 1_500, by: 100) {
                for n in start..<start + 100 { _ = try await h.enqueue(n: n) }
            }
            var kept = 0
            var cursor: String?
            while true {
                let page = try await h.driver.events(queue: h.name, after: cursor, limit: 500)
                kept += page.count
                guard let last = page.last, kept <= 5_000 else { break }
                cursor = last.cursor
            }
            // Redis trims with `MAXLEN ~ 1000`, which may keep a little more, never all 1,500.
            #expect((1_000..<1_200).contains(kept), "kept \(kept) events")
        }
    }

    @Test(arguments: DriverUnderTest.allCases)
    func deadJobsCanBeRevivedByIDLeavingTheOthersDead(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            var dead: [JobID] = []
            for n in 0..<3 {
                let id = try await h.enqueue(n: n)
                let job = try #require(try await h.driver.lease(queue: h.name, consumer: "c", max: 1, leaseMs: 10_000).first)
                #expect(try await h.driver.fail(queue: h.name, failures: [JobFailure(lease: job.lease, error: "bad \(n)", retryDelayMs: nil)]) == [.dead(id)])
                dead.append(id)
            }
            // An unknown ID and a job that is not dead revive nothing.
            let alive = try await h.enqueue(n: 9)
            #expect(try await h.driver.retryDead(queue: h.name, ids: [dead[1], JobID(), alive]) == 1)
            #expect(try await h.driver.job(queue: h.name, id: dead[1])?.state == .ready)
            #expect(try await h.driver.job(queue: h.name, id: dead[0])?.state == .dead)
            #expect(try await h.driver.job(queue: h.name, id: dead[2])?.state == .dead)
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.dead == 2 && stats.ready == 2)
            // Revived with a fresh attempt budget: its next run is attempt 1.
            let leased = try await h.driver.lease(queue: h.name, consumer: "c", max: 2, leaseMs: 10_000)
            #expect(Set(leased.map(\.id)) == [dead[1], alive])
            #expect(leased.allSatisfy { $0.envelope.attempt == 1 })
        }
    }
}
