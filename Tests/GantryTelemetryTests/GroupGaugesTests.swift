import GantryCore
import GantryTelemetry
import GantryTesting
import Testing

/// The busiest groups' gauges: the top ones only, and no series left behind by a group that fell out.
@Suite struct GroupGaugesTests {
    static func stats(_ names: [String], ready: Int = 5, running: Int = 1) -> [GroupStats] {
        names.map { GroupStats(group: $0, ready: ready, running: running, limit: GroupLimit(), parked: false) }
    }

    @Test func onlyTheTopGroupsAreExportedAndAGroupThatFallsOutLeavesNoSeries() async throws {
        let exposition = MetricsExposition(processMetrics: false)
        let gauges = QueueGauges(registry: exposition.registry)
        let many = (0..<(GroupGauges.top + 5)).map { "p\($0)" }
        gauges.groups.set(queue: "a", Self.stats(many))
        gauges.groups.set(queue: "b", Self.stats(["other"], ready: 7, running: 2))
        let first = PrometheusExposition(await exposition.renderString())
        #expect(first.problems() == [])
        #expect(first.samples.filter { $0.name == "gantry_group_ready" && $0.labels["queue"] == "a" }.count == GroupGauges.top)
        #expect(first.samples.filter { $0.name == "gantry_group_running" && $0.labels["queue"] == "a" }.count == GroupGauges.top)
        #expect(first.sum("gantry_group_ready", ["queue": "a", "group": "p0"]) == 5)
        #expect(first.sum("gantry_group_running", ["queue": "a", "group": "p0"]) == 1)
        #expect(!first.has("gantry_group_ready", ["queue": "a", "group": "p\(GroupGauges.top)"]), "past the top")

        gauges.groups.set(queue: "a", Self.stats(["p3", "new"], ready: 9, running: 0))
        let second = PrometheusExposition(await exposition.renderString())
        #expect(second.problems() == [])
        let left = Set(second.samples.filter { $0.name.hasPrefix("gantry_group_") && $0.labels["queue"] == "a" }.compactMap { $0.labels["group"] })
        #expect(left == ["p3", "new"])
        #expect(second.sum("gantry_group_ready", ["queue": "a", "group": "p3"]) == 9)
        #expect(second.sum("gantry_group_running", ["queue": "a", "group": "p3"]) == 0)
        #expect(second.sum("gantry_group_ready", ["queue": "b", "group": "other"]) == 7, "another queue's series stay")

        // The last group of every queue gone: no family at all, not an empty one.
        gauges.groups.set(queue: "a", [])
        gauges.groups.set(queue: "b", [])
        let empty = await exposition.renderString()
        #expect(!empty.contains("gantry_group_"), "\(empty)")
    }
}
