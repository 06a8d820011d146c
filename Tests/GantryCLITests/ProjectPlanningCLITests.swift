import Foundation
import GantryTesting
import Testing

/// `gantry projects rebaseline|baselines|calendar|risks|forecasts` through the real binary and a real `gantry api`.
@Suite("gantry projects baselines, calendar, risks and forecasts", .serialized, .enabled(if: TestServers.areAvailable))
struct ProjectPlanningCLITests {
    static func createProject(_ cli: CLIHarness, name: String, size: String) async throws -> String {
        let created = try await cli.run(
            [
                "projects", "create", "--name", name, "--client", name + " Ltd", "--client-size", size, "--start", "2027-01-04",
                "--target", "2027-07-30", "--complexity", "medium", "--team", "medium", "--management", "medium",
            ], environment: cli.apiEnvironment)
        try #require(created.status == 0 && created.lines.count == 1, "\(created)")
        return created.lines[0]
    }

    @Test
    func rebaselineAddsAVersionAndBaselinesListsThemAll() async throws {
        try await CLIHarness.with("cli baselines") { cli, _ in
            let id = try await Self.createProject(cli, name: "Baselined", size: "enterprise")
            let first = try await cli.run(["projects", "baselines", id], environment: cli.apiEnvironment)
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout.contains("version 1") && first.stdout.contains("initial plan") && first.stdout.contains("1.350"), "\(first)")

            let changed = try await cli.run(
                ["projects", "rebaseline", id, "--reason", "CR-1: smaller scope", "--client-size", "medium", "--weeks", "design=6"],
                environment: cli.apiEnvironment)
            #expect(changed.status == 0, "\(changed)")
            #expect(changed.stdout.contains("version 2") && changed.stdout.contains("2027-01-25 → 2027-03-07"), "\(changed)")

            let listed = try await cli.run(["projects", "baselines", id, "--json"], environment: cli.apiEnvironment)
            let document = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
            #expect((document?["baselines"] as? [[String: Any]])?.map { $0["version"] as? Int } == [1, 2], "\(listed)")

            let ongoing = try await cli.run(
                ["projects", "rebaseline", id, "--reason", "CR-2", "--weeks", "maintenance=2"], environment: cli.apiEnvironment)
            #expect(ongoing.status == 2, "\(ongoing)")
            let blank = try await cli.run(["projects", "rebaseline", id, "--reason", " "], environment: cli.apiEnvironment)
            #expect(blank.status == 2 && blank.stderr.contains("reason"), "\(blank)")
        }
    }

    @Test
    func calendarAndRisksAreSetShownAndForecastsShowTheP80Slip() async throws {
        try await CLIHarness.with("cli calendar risks") { cli, queue in
            let id = try await Self.createProject(cli, name: "Festive", size: "medium")
            let set = try await cli.run(
                ["projects", "calendar", id, "--holiday", "2027-02-11", "--holiday", "2027-02-12", "--workday", "2027-02-07"],
                environment: cli.apiEnvironment)
            #expect(set.status == 0, "\(set)")
            #expect(set.stdout.contains("holidays  2027-02-11 2027-02-12") && set.stdout.contains("workdays  2027-02-07"), "\(set)")
            let shown = try await cli.run(["projects", "calendar", id, "--json"], environment: cli.apiEnvironment)
            let calendar = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
            #expect(calendar?["workdays"] as? [String] == ["2027-02-07"], "\(shown)")
            let bad = try await cli.run(["projects", "calendar", id, "--holiday", "2027-02-30"], environment: cli.apiEnvironment)
            #expect(bad.status == 2 && bad.stderr.contains("holidays[0]"), "\(bad)")

            let none = try await cli.run(["projects", "risks", id], environment: cli.apiEnvironment)
            #expect(none.status == 0 && none.stdout.contains("no risks"), "\(none)")
            let file = cli.directory.appendingPathComponent("risks.json")
            try Data(#"[{"name":"Legacy export late","phase":"deployment_and_training","probability":1,"impact_weeks":6}]"#.utf8).write(to: file)
            let worse = cli.directory.appendingPathComponent("worse.json")
            try Data(#"{"risks":[{"name":"x","phase":"system_design","probability":2,"impact_weeks":1}]}"#.utf8).write(to: worse)
            let refused = try await cli.run(["projects", "risks", id, "--file", worse.path], environment: cli.apiEnvironment)
            #expect(refused.status == 2 && refused.stderr.contains("risks[0].probability"), "\(refused)")

            // Two forecasts with a certain six-week risk registered between them: the P80 finish slips.
            try cli.startWorker(queues: queue)
            let payload = #"{"project_id":"\#(id)","trials":2000,"seed":3}"#
            let before = try await cli.run(
                ["submit", "estimate.simulate", "--payload", payload, "--queue", queue, "--wait", "--wait-timeout", "60s"],
                environment: cli.apiEnvironment, timeoutSeconds: 90)
            #expect(before.status == 0, "\(before)")
            let registered = try await cli.run(["projects", "risks", id, "--file", file.path], environment: cli.apiEnvironment)
            #expect(registered.status == 0 && registered.stdout.contains("Legacy export late"), "\(registered)")
            let after = try await cli.run(
                ["submit", "estimate.simulate", "--payload", payload, "--queue", queue, "--wait", "--wait-timeout", "60s"],
                environment: cli.apiEnvironment, timeoutSeconds: 90)
            #expect(after.status == 0, "\(after)")

            let forecasts = try await cli.run(["projects", "forecasts", id], environment: cli.apiEnvironment)
            #expect(forecasts.status == 0, "\(forecasts)")
            #expect(forecasts.stdout.contains("P80 FINISH") && forecasts.stdout.contains("P80 slip"), "\(forecasts)")
            #expect(forecasts.stdout.contains("since the first forecast") && forecasts.stdout.contains("+"), "\(forecasts)")
            let json = try await cli.run(["projects", "forecasts", id, "--json"], environment: cli.apiEnvironment)
            let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let points = try #require(document?["forecasts"] as? [[String: Any]], "\(json)")
            #expect(points.count == 2)
            let finishes = points.compactMap { $0["p80_finish"] as? String }
            #expect(finishes.count == 2 && finishes[0] < finishes[1], "\(finishes)")
        }
    }
}
