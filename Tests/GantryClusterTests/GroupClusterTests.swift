import Foundation
import GantryCore
import GantryRedis
import GantryRedisQueue
import GantryTesting
import Testing

/// Groups with the real `gantry worker` binary: turns across projects, per-group limits across
/// several worker processes, and the chaos guarantees with groups on.
@Suite("Cluster: groups", .serialized)
struct GroupClusterTests {
    /// The largest number of `intervals` open at one instant (an end before a start at a tie).
    static func peakOverlap(_ intervals: [(start: Double, end: Double)]) -> Int {
        var events: [(at: Double, delta: Int)] = []
        for interval in intervals {
            events.append((interval.start, 1))
            events.append((interval.end, -1))
        }
        events.sort { a, b in a.at == b.at ? a.delta < b.delta : a.at < b.at }
        var open = 0, peak = 0
        for (_, delta) in events {
            open += delta
            peak = max(peak, open)
        }
        return peak
    }

    @Test
    func tenJobsOfProjectBStartBeforeWorkersRunAThousandMoreOfProjectAsHundredThousand() async throws {
        let cluster = try await Cluster("groups-fair")
        let a = (0..<100_000).map { _ in JobRequest(kind: "gantry.noop", queue: cluster.queueName, group: "project-a") }
        for start in stride(from: 0, to: a.count, by: 5_000) {
            _ = try await cluster.queue.enqueue(Array(a[start..<(start + 5_000)]))
        }
        for _ in 0..<2 { try cluster.startWorker(["--concurrency", "32"]) }
        try await eventually("the workers to be running project A's jobs", timeout: .seconds(60)) {
            try await cluster.stats().processed >= 2_000
        }
        let enqueuedAt = Double(WallClock.nowMs())
        let b = Set(try await cluster.queue.enqueue(
            (0..<10).map { _ in JobRequest(kind: "gantry.noop", queue: cluster.queueName, group: "project-b") }).map(\.id))
        _ = try await cluster.waitUntilDone(expected: 100_010, timeoutMs: 240_000)
        try await eventually("the history to hold every run", timeout: .seconds(60)) { try await cluster.runs().count >= 100_010 }
        let runs = try await cluster.runs().sorted { $0.start < $1.start }
        await cluster.shutdown()
        let lastB = try #require(runs.lastIndex { b.contains($0.job) })
        let bStarts = runs.indices.filter { b.contains(runs[$0].job) }
        // Project A's runs that started after B's jobs were enqueued and before B's last one started.
        let aBetween = runs[...lastB].filter { !b.contains($0.job) && $0.start >= enqueuedAt }.count
        let report = "groups order report: B enqueued at \(Int(enqueuedAt)); B's 10 runs are number \(bStarts) of \(runs.count) by start time; "
            + "A started \(aBetween) runs between B's enqueue and B's last start"
        cluster.progress(report)
        print(report)
        #expect(bStarts.count == 10)
        #expect(aBetween < 1_000, "\(report)")
    }

    @Test
    func fourWorkersOf32SlotsNeverRunMoreThanTwoJobsOfAGroupAndStillFillTheirSlotsWhenManyGroupsHaveWork() async throws {
        let cluster = try await Cluster("groups-limit")
        try await cluster.driver.setGroupLimit(queue: cluster.queueName, group: nil, GroupLimit(concurrency: 2))
        for _ in 0..<4 { try cluster.startWorker(["--concurrency", "32"]) }
        /// Runs `groups` groups of `each` 30 ms jobs; per group and overall, the most that ran at once.
        func phase(_ name: String, groups: Int, each: Int, done: Int) async throws -> (perGroup: [String: Int], overall: Int) {
            let requests = (0..<(groups * each)).map { n in
                JobRequest(kind: "gantry.sleep", payload: ["ms": 30], queue: cluster.queueName, group: "\(name)-\(n % groups)")
            }
            var groupOf: [JobID: String] = [:]
            for (request, result) in zip(requests, try await cluster.queue.enqueue(requests)) { groupOf[result.id] = request.group }
            let stats = try await cluster.waitUntilDone(expected: done, timeoutMs: 120_000)
            #expect(stats.processed == done && stats.dead == 0)
            try await eventually("the history to hold every run", timeout: .seconds(60)) { try await cluster.runs().count >= done }
            let runs = try await cluster.runs().filter { groupOf[$0.job] != nil }
            var byGroup: [String: [(start: Double, end: Double)]] = [:]
            for run in runs { byGroup[groupOf[run.job]!, default: []].append((run.start, run.end)) }
            #expect(byGroup.count == groups && runs.count == groups * each)
            return (byGroup.mapValues(Self.peakOverlap), Self.peakOverlap(runs.map { ($0.start, $0.end) }))
        }
        // Few groups with much work each: without the limit each would fill many of the 128 slots.
        let few = try await phase("few", groups: 20, each: 50, done: 1_000)
        // Many groups: room for 400 at once under the limit, so the 128 slots stay full.
        let many = try await phase("many", groups: 200, each: 10, done: 3_000)
        let running = try await cluster.driver.busiestGroups(queue: cluster.queueName, top: 10)
        await cluster.shutdown()
        let report = "groups limit report: 20 groups: largest per-group concurrency \(few.perGroup.values.max() ?? 0), "
            + "all together \(few.overall) (limit 2 x 20 = 40); 200 groups: largest per-group \(many.perGroup.values.max() ?? 0), "
            + "all together \(many.overall) of 128 slots"
        print(report)
        #expect(few.perGroup.values.allSatisfy { $0 <= 2 } && many.perGroup.values.allSatisfy { $0 <= 2 }, "\(report)")
        #expect(few.perGroup.values.max() == 2 && few.overall <= 40, "the limit did not bind: \(report)")
        #expect(many.overall >= 100, "the limit starved the slots: \(report)")
        #expect(running.isEmpty, "groups left with work or slots: \(running)")
    }

    @Test
    func groupedJobsSurviveWorkersKilledMidRunWithOneRowEachAndNoSlotLeaked() async throws {
        let jobs = 10_000
        let cluster = try await Cluster("groups-chaos")
        try await cluster.driver.setGroupLimit(queue: cluster.queueName, group: nil, GroupLimit(concurrency: 3))
        try await cluster.enqueueDrill(jobs, groups: 100)
        for _ in 0..<4 { try cluster.startWorker() }
        var kills = 0
        let stats = try await cluster.waitUntilDone(expected: jobs, timeoutMs: 240_000, progressed: { s in
            guard kills < 9, s.processed >= (kills + 1) * jobs / 10 else { return }
            cluster.workers.filter(\.isRunning).randomElement()?.kill9()
            kills += 1
            try cluster.startWorker()
        })
        let rows = try await cluster.drillRows()
        let groups = try await cluster.driver.busiestGroups(queue: cluster.queueName, top: 1_000)
        let counts = try await cluster.pool.send(["HLEN", RedisArgument("gantry:{\(cluster.queueName.rawValue)}:grunning")])
        await cluster.shutdown()
        #expect(kills >= 5, "kills must land while work remains: \(kills)")
        #expect(stats.processed == jobs && stats.dead == 0 && stats.ready == 0 && stats.leased == 0)
        #expect(rows.rows == jobs && rows.jobs == jobs)
        #expect(rows.sum == (0..<jobs).reduce(0, +))
        #expect(groups.isEmpty && counts.int == 0, "slots leaked: \(groups), \(counts)")
    }
}
