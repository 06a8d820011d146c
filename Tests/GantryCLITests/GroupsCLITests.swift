import Foundation
import GantryTesting
import Testing

/// Groups from the command line against a real `gantry api` on Redis: `submit --group`, `queues --groups` and
/// `queues limit`.
@Suite("CLI: groups", .serialized, .enabled(if: TestServers.areAvailable))
struct GroupsCLITests {
    /// `gantry queues --groups --json`'s answer for `queue`.
    static func groups(_ cli: CLIHarness, _ queue: String, top: Int? = nil) async throws -> [String: Any] {
        let result = try await cli.run(
            ["queues", "--groups", "--json"] + (top.map { ["--top", String($0)] } ?? []), environment: cli.apiEnvironment)
        #expect(result.status == 0, "\(result)")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result)")
        return try #require(all.first { $0["queue"] as? String == queue }, "\(result)")
    }

    /// `gantry queues limit queue arguments --json`: its exit status, and its limits by group ("*" for every group).
    static func limit(_ cli: CLIHarness, _ queue: String, _ arguments: [String]) async throws -> (CLIRun, [String: [String: Any]]) {
        let result = try await cli.run(["queues", "limit", queue] + arguments + ["--json"], environment: cli.apiEnvironment)
        var byGroup: [String: [String: Any]] = [:]
        if result.status == 0 {
            let answer = try #require((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any], "\(result)")
            for l in answer["limits"] as? [[String: Any]] ?? [] { byGroup[l["group"] as? String ?? "*"] = l }
        }
        return (result, byGroup)
    }

    @Test
    func submitWithAGroupShowsInTheJobAndQueuesGroupsListsTheBusiestFirst() async throws {
        try await CLIHarness.with("cli groups") { cli, queue in
            var acme: [String] = []
            for _ in 0..<3 {
                let submitted = try await cli.run(
                    ["submit", "gantry.noop", "--queue", queue, "--group", "acme"], environment: cli.apiEnvironment)
                #expect(submitted.status == 0, "\(submitted)")
                acme += submitted.lines
            }
            let file = cli.directory.appendingPathComponent("beta.ndjson")
            try "{}\n{}\n".write(to: file, atomically: true, encoding: .utf8)
            let bulk = try await cli.run(
                ["submit", "gantry.noop", "--queue", queue, "--group", "beta", "--file", file.path], environment: cli.apiEnvironment)
            #expect(bulk.status == 0, "\(bulk)")

            let shown = try await cli.run(["jobs", "show", try #require(acme.first), "--queue", queue], environment: cli.apiEnvironment)
            #expect(shown.lines.contains { $0.hasPrefix("group") && $0.hasSuffix("acme") }, "\(shown)")

            let mine = try await Self.groups(cli, queue)
            let listed = try #require(mine["groups"] as? [[String: Any]])
            #expect(listed.compactMap { $0["group"] as? String } == ["acme", "beta"])
            #expect(listed.first?["ready"] as? Int == 3 && listed.first?["running"] as? Int == 0)
            #expect(listed.last?["ready"] as? Int == 2 && listed.last?["parked"] as? Bool == false)
            let top = try await Self.groups(cli, queue, top: 1)
            #expect((top["groups"] as? [[String: Any]])?.compactMap { $0["group"] as? String } == ["acme"])

            let table = try await cli.run(["queues", "--groups"], environment: cli.apiEnvironment)
            #expect(table.status == 0, "\(table)")
            #expect(table.lines.first?.hasPrefix("QUEUE") == true && table.lines.first?.contains("PARKED") == true, "\(table)")
            let rows = table.lines.filter { $0.hasPrefix(queue + " ") }
            #expect(rows.count == 2, "\(table)")
            #expect(rows.first?.split(separator: " ").prefix(4).map(String.init) == [queue, "acme", "3", "0"], "\(table)")

            for bad in [["--groups", "--top", "0"], ["--top", "5"], ["--groups", "--watch"]] {
                let refused = try await cli.run(["queues"] + bad, environment: cli.apiEnvironment)
                #expect(refused.status == 2, "\(bad): \(refused)")
            }
        }
    }

    @Test
    func queuesLimitSetsKeepsAndRemovesLimitsAndRefusesBadValuesWithExit2() async throws {
        try await CLIHarness.with("cli group limits") { cli, queue in
            let (set, afterSet) = try await Self.limit(cli, queue, ["--group", "acme", "--concurrency", "2"])
            #expect(set.status == 0, "\(set)")
            #expect(afterSet["acme"]?["concurrency"] as? Int == 2)
            #expect(afterSet["acme"]?["rate"] == nil)

            // A limit not named keeps its value.
            let (_, withRate) = try await Self.limit(cli, queue, ["--group", "acme", "--rate", "60/min"])
            #expect(withRate["acme"]?["concurrency"] as? Int == 2)
            #expect(withRate["acme"]?["rate"] as? String == "60/min")
            let (_, noConcurrency) = try await Self.limit(cli, queue, ["--group", "acme", "--no-concurrency"])
            #expect(noConcurrency["acme"]?["concurrency"] == nil)
            #expect(noConcurrency["acme"]?["rate"] as? String == "60/min")

            // Every group's limit, which a group's own wins over field by field.
            let (_, every) = try await Self.limit(cli, queue, ["--concurrency", "5"])
            #expect(every["*"]?["concurrency"] as? Int == 5)
            #expect(every.count == 2)
            let submitted = try await cli.run(["submit", "gantry.noop", "--queue", queue, "--group", "acme"], environment: cli.apiEnvironment)
            #expect(submitted.status == 0, "\(submitted)")
            let acme = try #require((try await Self.groups(cli, queue)["groups"] as? [[String: Any]])?.first)
            #expect(acme["concurrency"] as? Int == 5 && acme["rate"] as? String == "60/min", "\(acme)")

            // People get a table of the limits, the one on every group first.
            let table = try await cli.run(["queues", "limit", queue], environment: cli.apiEnvironment)
            #expect(table.status == 0, "\(table)")
            #expect(table.lines.count == 3, "\(table)")
            #expect(table.lines.dropFirst().first?.hasPrefix("(every group)") == true, "\(table)")
            #expect(table.lines.last?.hasPrefix("acme") == true && table.lines.last?.contains("60/min") == true, "\(table)")

            let (_, removed) = try await Self.limit(cli, queue, ["--group", "acme", "--no-rate"])
            #expect(removed["acme"] == nil && removed["*"]?["concurrency"] as? Int == 5)

            let badRate = try await cli.run(["queues", "limit", queue, "--rate", "60/minute"], environment: cli.apiEnvironment)
            #expect(badRate.status == 2, "\(badRate)")
            #expect(badRate.stderr.contains("'60/minute' is not a rate"), "\(badRate)")
            let negative = try await cli.run(["queues", "limit", queue, "--concurrency=-1"], environment: cli.apiEnvironment)
            #expect(negative.status == 2, "\(negative)")
            #expect(negative.stderr.contains("--concurrency must be 0 or more"), "\(negative)")
            let both = try await cli.run(["queues", "limit", queue, "--rate", "1/s", "--no-rate"], environment: cli.apiEnvironment)
            #expect(both.status == 2 && both.stderr.contains("exclude each other"), "\(both)")
            let star = try await cli.run(["queues", "limit", queue, "--group", "*", "--concurrency", "1"], environment: cli.apiEnvironment)
            #expect(star.status == 2, "\(star)")

            // Limits are an operator's: a token without admin is refused (exit 3) and nothing changes.
            let producer = try await cli.run(["tokens", "create", "--scopes", "submit,read"])
            let forbidden = try await cli.run(
                ["queues", "limit", queue, "--concurrency", "50"], environment: ["GANTRY_API_URL": cli.apiURL, "GANTRY_TOKEN": producer.lines.first])
            #expect(forbidden.status == 3, "\(forbidden)")
            #expect(forbidden.stderr.contains("scope"), "\(forbidden)")
            let (_, unchanged) = try await Self.limit(cli, queue, [])
            #expect(unchanged["*"]?["concurrency"] as? Int == 5)
        }
    }
}
