import GantryCore
import GantryRedis
import GantryRedisQueue
import GantryTesting
import Testing

/// Groups on a real redis-server: turns across groups, concurrency and rate limits enforced by the
/// lease script, and every other transition keeping a group's counts right.
@Suite("Groups")
struct GroupTests {
    /// A bulk enqueue of `count` jobs of `group` (nil: ungrouped), `chunk` at a time.
    static func enqueue(_ h: Harness, group: String?, count: Int, priority: Int = 5, chunk: Int = 5_000) async throws -> [JobID] {
        var ids: [JobID] = []
        for start in stride(from: 0, to: count, by: chunk) {
            let jobs = (start..<min(count, start + chunk)).map { n in
                var request = JobRequest(kind: "test.echo", payload: .object(["n": .integer(Int64(n))]), queue: h.name, priority: priority)
                request.group = group
                return request
            }
            ids += try await h.queue.enqueue(jobs).map(\.id)
        }
        return ids
    }

    static func groups(_ h: Harness) throws -> any QueueGroups { try #require(h.driver as? any QueueGroups) }

    @Test func tenJobsOfProjectBAllStartBeforeProjectARunsAThousandMoreOfItsHundredThousand() async throws {
        try await withHarness(.redis) { h in
            let aInOrder = try await Self.enqueue(h, group: "project-a", count: 100_000)
            let a = Set(aInOrder)
            let b = Set(try await Self.enqueue(h, group: "project-b", count: 10))
            // Four workers of 32 slots, each leasing what it has room for and acking it, in turn.
            var order: [JobID] = []
            var startedB = 0
            var round = 0
            while startedB < b.count && round < 1_000 {
                for worker in 0..<4 {
                    let leased = try await h.driver.lease(queue: h.name, consumer: "w\(worker)", max: 32, leaseMs: 60_000)
                    order += leased.map(\.id)
                    startedB += leased.filter { b.contains($0.id) }.count
                    _ = try await h.driver.ack(queue: h.name, leases: leased.map(\.lease))
                }
                round += 1
            }
            let lastB = try #require(order.lastIndex { b.contains($0) })
            let aBefore = order[...lastB].filter { a.contains($0) }.count
            print("groups order report: B's 10 jobs started at positions \(order.indices.filter { b.contains(order[$0]) }) of \(order.count) leased; A ran \(aBefore) before B's last")
            #expect(startedB == 10)
            #expect(aBefore < 1_000)
            // Within each group, first in, first out.
            let aOrder = order.filter { a.contains($0) }
            #expect(aOrder == Array(aInOrder.prefix(aOrder.count)))
        }
    }

    @Test func groupsAndUngroupedJobsOfOnePriorityTakeEqualTurnsAndHigherPrioritiesGoFirst() async throws {
        try await withHarness(.redis) { h in
            let plain = try await Self.enqueue(h, group: nil, count: 10)
            let g1 = try await Self.enqueue(h, group: "g1", count: 10)
            let g2 = try await Self.enqueue(h, group: "g2", count: 10)
            let urgent = try await Self.enqueue(h, group: "g3", count: 2, priority: 9)
            let first = try await h.driver.lease(queue: h.name, consumer: "c", max: 8, leaseMs: 60_000).map(\.id)
            #expect(Array(first.prefix(2)) == urgent)
            // Six left for three participants: two each, oldest first.
            #expect(Set(first.dropFirst(2)) == Set(plain.prefix(2) + g1.prefix(2) + g2.prefix(2)))
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.ready == 24 && stats.leased == 8)
        }
    }

    @Test func aGroupNeverHasMoreLeasedThanItsLimitAndEveryEndOfALeaseFreesItsSlot() async throws {
        try await withHarness(.redis) { h in
            let groups = try Self.groups(h)
            try await groups.setGroupLimit(queue: h.name, group: nil, GroupLimit(concurrency: 2))
            try await groups.setGroupLimit(queue: h.name, group: "big", GroupLimit(concurrency: 3))
            _ = try await Self.enqueue(h, group: "small", count: 10)
            _ = try await Self.enqueue(h, group: "big", count: 10)
            let first = try await h.driver.lease(queue: h.name, consumer: "c", max: 100, leaseMs: 60_000)
            #expect(first.filter { $0.envelope.group == "small" }.count == 2)
            #expect(first.filter { $0.envelope.group == "big" }.count == 3)
            #expect(try await h.driver.lease(queue: h.name, consumer: "c", max: 100, leaseMs: 60_000).isEmpty)
            var busiest = try await groups.busiestGroups(queue: h.name, top: 10)
            #expect(busiest.map(\.group) == ["big", "small"] || busiest.map(\.group) == ["small", "big"])
            #expect(busiest.first { $0.group == "small" } == GroupStats(group: "small", ready: 8, running: 2, limit: GroupLimit(concurrency: 2), parked: true))

            // An ack frees one slot: exactly one more of that group.
            let small = first.filter { $0.envelope.group == "small" }
            #expect(try await h.driver.ack(queue: h.name, leases: [small[0].lease]) == 1)
            let next = try await h.driver.lease(queue: h.name, consumer: "c", max: 100, leaseMs: 60_000)
            #expect(next.map(\.envelope.group) == ["small"])
            // A failure that retries frees it too, and so does a release.
            _ = try await h.driver.fail(queue: h.name, failures: [JobFailure(lease: small[1].lease, error: "boom", retryDelayMs: 60_000)])
            #expect(try await h.driver.lease(queue: h.name, consumer: "c", max: 100, leaseMs: 60_000).map(\.envelope.group) == ["small"])
            let big = first.filter { $0.envelope.group == "big" }
            #expect(try await h.driver.release(queue: h.name, leases: [big[0].lease]) == 1)
            #expect(try await h.driver.lease(queue: h.name, consumer: "c", max: 100, leaseMs: 60_000).map(\.envelope.group) == ["big"])

            // A lease that lapses (its worker died) frees its slot when reclaimed.
            let maintenance = try #require(h.driver as? any JobQueueMaintenance)
            let before = try await groups.busiestGroups(queue: h.name, top: 10).first { $0.group == "big" }
            #expect(before?.running == 3)
            _ = try await h.driver.extendLeases(queue: h.name, leases: big.dropFirst().map(\.lease), leaseMs: 1)
            #expect(try await eventually {
                _ = try await maintenance.reclaimExpired(queue: h.name, limit: 100)
                return try await groups.busiestGroups(queue: h.name, top: 10).first { $0.group == "big" }?.running == 1
            })
            let again = try await h.driver.lease(queue: h.name, consumer: "c", max: 100, leaseMs: 60_000)
            #expect(again.map(\.envelope.group) == ["big", "big"])

            // Raising the limit at run time lets the parked group go at once.
            try await groups.setGroupLimit(queue: h.name, group: nil, GroupLimit(concurrency: 4))
            busiest = try await groups.busiestGroups(queue: h.name, top: 10)
            let more = try await h.driver.lease(queue: h.name, consumer: "c", max: 100, leaseMs: 60_000)
            #expect(more.map(\.envelope.group) == ["small", "small"])
            #expect(try await groups.groupLimits(queue: h.name) == ["*": GroupLimit(concurrency: 4), "big": GroupLimit(concurrency: 3)])
        }
    }

    @Test func aLimitSetWhileJobsRunCountsTheRunningOnesAndRemovingItLetsTheRestGo() async throws {
        try await withHarness(.redis) { h in
            let groups = try Self.groups(h)
            _ = try await Self.enqueue(h, group: "g", count: 6)
            let running = try await h.driver.lease(queue: h.name, consumer: "c", max: 3, leaseMs: 60_000)
            #expect(running.count == 3)
            try await groups.setGroupLimit(queue: h.name, group: "g", GroupLimit(concurrency: 2))
            #expect(try await groups.busiestGroups(queue: h.name, top: 1).first?.running == 3)
            #expect(try await h.driver.lease(queue: h.name, consumer: "c", max: 10, leaseMs: 60_000).isEmpty)
            #expect(try await h.driver.ack(queue: h.name, leases: running.prefix(2).map(\.lease)) == 2)
            #expect(try await h.driver.lease(queue: h.name, consumer: "c", max: 10, leaseMs: 60_000).count == 1)
            try await groups.setGroupLimit(queue: h.name, group: "g", GroupLimit())
            #expect(try await groups.groupLimits(queue: h.name).isEmpty)
            #expect(try await h.driver.lease(queue: h.name, consumer: "c", max: 10, leaseMs: 60_000).count == 2)
            // Without limits the running count comes from the leases themselves.
            #expect(try await groups.busiestGroups(queue: h.name, top: 1).first?.running == 4)
        }
    }

    @Test func aRateLimitLetsItsBurstGoAndThenOneJobPerStep() async throws {
        try await withHarness(.redis) { h in
            let groups = try Self.groups(h)
            try await groups.setGroupLimit(queue: h.name, group: "notify", GroupLimit(rate: try GroupRate(parsing: "3/600ms")))
            _ = try await Self.enqueue(h, group: "notify", count: 6)
            _ = try await Self.enqueue(h, group: "other", count: 6)
            let start = WallClock.nowMs()
            let first = try await h.driver.lease(queue: h.name, consumer: "c", max: 100, leaseMs: 60_000)
            #expect(first.filter { $0.envelope.group == "notify" }.count == 3)
            #expect(first.filter { $0.envelope.group == "other" }.count == 6)
            var notified = 3
            while notified < 6 {
                let next = try await h.driver.lease(queue: h.name, consumer: "c", max: 100, leaseMs: 60_000)
                notified += next.count
                if next.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                #expect(WallClock.nowMs() - start < 10_000, "the rate never let the rest go")
                if WallClock.nowMs() - start >= 10_000 { break }
            }
            // Three more need at least two more steps of 200 ms after the burst.
            #expect(WallClock.nowMs() - start >= 400)
        }
    }

    @Test func cancelRetryDeadAndStatsKeepAGroupsCountsRight() async throws {
        try await withHarness(.redis) { h in
            let groups = try Self.groups(h)
            let ids = try await Self.enqueue(h, group: "g", count: 3)
            let admin = try #require(h.driver as? any JobQueueAdministration)
            #expect(try await admin.cancel(queue: h.name, id: ids[1]) == .cancelled)
            #expect(try await groups.busiestGroups(queue: h.name, top: 5).first?.ready == 2)
            #expect(try await h.driver.stats(queue: h.name).ready == 2)
            let leased = try await h.driver.lease(queue: h.name, consumer: "c", max: 10, leaseMs: 60_000)
            #expect(leased.map(\.id) == [ids[0], ids[2]])
            _ = try await h.driver.fail(queue: h.name, failures: leased.map { JobFailure(lease: $0.lease, error: "no", retryDelayMs: nil) })
            #expect(try await groups.busiestGroups(queue: h.name, top: 5).isEmpty)
            #expect(try await admin.retryDead(queue: h.name, ids: nil) == 2)
            #expect(try await groups.busiestGroups(queue: h.name, top: 5) == [GroupStats(group: "g", ready: 2, running: 0, limit: GroupLimit(), parked: false)])
            let again = try await h.driver.lease(queue: h.name, consumer: "c", max: 10, leaseMs: 60_000)
            #expect(Set(again.map(\.id)) == [ids[0], ids[2]])
            #expect(try await h.driver.ack(queue: h.name, leases: again.map(\.lease)) == 2)
            #expect(try await groups.busiestGroups(queue: h.name, top: 5).isEmpty)
            let stats = try await h.driver.stats(queue: h.name)
            #expect(stats.ready == 0 && stats.leased == 0)
        }
    }

    @Test func listingsShowGroupedReadyJobsPageByPageWithTheUngroupedOnes() async throws {
        try await withHarness(.redis) { h in
            let plain = try await Self.enqueue(h, group: nil, count: 2)
            let b = try await Self.enqueue(h, group: "b", count: 3)
            let a = try await Self.enqueue(h, group: "a", count: 2, priority: 7)
            let listing = try #require(h.driver as? any JobListing)
            var listed: [JobID] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await listing.listJobs(JobListQuery(queue: h.name, state: .ready, cursor: cursor, limit: 2))
                listed += page.jobs.map(\.envelope.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 20
            // Ungrouped lists first, then groups by name, each from its highest priority down.
            #expect(listed == plain + a + b)
            #expect(pages >= 4)
        }
    }

    @Test func configuredLimitsApplyOnlyWhereTheQueueHasNoneSoRunTimeChangesStay() async throws {
        try await withHarness(.redis) { h in
            let groups = try Self.groups(h)
            try await groups.setGroupLimit(queue: h.name, group: nil, GroupLimit(concurrency: 5))
            let rules = try GroupLimitRule.parseList("\(h.name.rawValue):concurrency=2; \(h.name.rawValue)/project-42:concurrency=1,rate=60/min")
            let applied = try await GroupLimitRule.applyUnset(rules, to: groups)
            #expect(applied.map(\.group) == ["project-42"])
            #expect(try await groups.groupLimits(queue: h.name) == [
                "*": GroupLimit(concurrency: 5),
                "project-42": GroupLimit(concurrency: 1, rate: try GroupRate(count: 60, periodMs: 60_000)),
            ])
        }
        for bad in ["default", "default:", "default:speed=3", "default:concurrency=-1", "default/:concurrency=1", "Bad Queue!:concurrency=1", "default:rate=5"] {
            #expect(throws: GantryError.self, "\(bad)") { try GroupLimitRule(parsing: bad) }
        }
    }

    @Test func theCRMKindsGroupByTheirProjectUnlessAGroupIsGiven() throws {
        var registry = JobKindRegistry.builtIn
        registry.register(JobKindDescriptor(name: "crm.thing", schema: .object([]), groupsByProject: true))
        let queue = JobQueue(driver: MemoryJobQueueDriver(), registry: registry)
        #expect(try queue.envelope(for: JobRequest(kind: "crm.thing", projectID: "p1")).group == "p1")
        #expect(try queue.envelope(for: JobRequest(kind: "crm.thing", projectID: "p1", group: "batch-7")).group == "batch-7")
        #expect(try queue.envelope(for: JobRequest(kind: "gantry.noop", projectID: "p1")).group == nil)
        #expect(throws: GantryError.self) { try queue.envelope(for: JobRequest(kind: "crm.thing", group: "")) }
        #expect(throws: GantryError.self) { try queue.envelope(for: JobRequest(kind: "crm.thing", group: "*")) }
        #expect(try GroupRate(parsing: "60/min") == GroupRate(count: 60, periodMs: 60_000))
        #expect(try GroupRate(parsing: "100/1500ms") == GroupRate(count: 100, periodMs: 1_500))
        #expect(throws: GantryError.self) { try GroupRate(parsing: "60 per minute") }
    }
}
