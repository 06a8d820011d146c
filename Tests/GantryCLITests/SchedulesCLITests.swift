import Foundation
import GantryTesting
import Testing

/// `gantry schedules` against a real `gantry api`.
@Suite("CLI: schedules", .enabled(if: TestServers.areAvailable))
struct SchedulesCLITests {
    @Test
    func schedulesAreAddedListedPausedResumedAndRemovedAndABadExpressionExits2WithTheReason() async throws {
        try await CLIHarness.with("cli schedules") { cli, queue in
            // The harness's database is shared by the CLI suites: a name of this run's own.
            let name = "cli-\(UUID().uuidString.prefix(8).lowercased())"
            let env = cli.apiEnvironment
            let added = try await cli.run(
                ["schedules", "add", name, "--cron", "30 1 * * *", "--zone", "America/New_York", "--kind", "gantry.noop",
                 "--payload", #"{"result": true}"#, "--queue", queue, "--missed", "catch_up", "--json"],
                environment: env)
            #expect(added.status == 0, "\(added)")
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any])
            #expect(shown["name"] as? String == name && shown["missed"] as? String == "catch_up")

            let listed = try await cli.run(["schedules", "list", "--json"], environment: env)
            #expect(listed.status == 0, "\(listed)")
            let all = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            let mine = try #require(all.first { $0["name"] as? String == name })
            #expect(mine["time_zone"] as? String == "America/New_York" && mine["queue"] as? String == queue)

            let table = try await cli.run(["schedules", "list"], environment: env)
            let row = try #require(table.lines.first { $0.hasPrefix(name) })
            #expect(row.contains("30 1 * * *") && row.contains("active"), "\(table)")

            let paused = try await cli.run(["schedules", "pause", name], environment: env)
            #expect(paused.status == 0 && paused.stdout.contains("paused"), "\(paused)")
            let pausedRow = try await cli.run(["schedules", "list"], environment: env).lines.first { $0.hasPrefix(name) }
            #expect(pausedRow?.contains("paused") == true)
            #expect(try await cli.run(["schedules", "resume", name], environment: env).status == 0)
            #expect(try await cli.run(["schedules", "remove", name], environment: env).status == 0)
            let missing = try await cli.run(["schedules", "remove", name], environment: env)
            #expect(missing.status != 0, "\(missing)")

            let bad = try await cli.run(
                ["schedules", "add", name, "--cron", "0 0 31 2 MOON", "--kind", "gantry.noop"], environment: env)
            #expect(bad.status == 2, "\(bad)")
            #expect(bad.stderr.contains("day-of-week"), "\(bad)")
        }
    }
}
