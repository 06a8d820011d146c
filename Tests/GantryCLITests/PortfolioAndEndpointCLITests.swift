import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GantryTesting
import Testing

/// `gantry portfolio` and `gantry projects endpoints` through the real binary and a real `gantry api`.
@Suite("gantry portfolio and projects endpoints", .serialized, .enabled(if: TestServers.areAvailable))
struct PortfolioAndEndpointCLITests {
    /// Creates a project through the CLI and returns its ID.
    static func createProject(_ cli: CLIHarness, name: String, target: String) async throws -> String {
        let created = try await cli.run(
            [
                "projects", "create", "--name", name, "--client", name + " Ltd", "--client-size", "medium", "--start", "2026-03-02",
                "--target", target, "--complexity", "high", "--team", "medium", "--management", "medium",
            ], environment: cli.apiEnvironment)
        try #require(created.status == 0 && created.lines.count == 1, "\(created)")
        return created.lines[0]
    }

    /// A JSON document without the fields that move with the clock.
    static func timeless(_ any: Any) -> Any {
        if var object = any as? [String: Any] {
            for key in ["generated_at", "today", "forecast_age_seconds"] { object[key] = nil }
            return object.mapValues(timeless)
        }
        if let array = any as? [Any] { return array.map(timeless) }
        return any
    }

    @Test
    func portfolioJSONIsTheAPIsDocumentAndTheTableShowsTheRanking() async throws {
        try await CLIHarness.with("cli portfolio") { cli, _ in
            let first = try await Self.createProject(cli, name: "Portfolio Alpha", target: "2026-12-01")
            let second = try await Self.createProject(cli, name: "Portfolio Beta", target: "2027-01-15")

            let json = try await cli.run(["portfolio", "--json"], environment: cli.apiEnvironment)
            #expect(json.status == 0, "\(json)")
            let fromCLI = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8))

            var request = URLRequest(url: try #require(URL(string: cli.apiURL + "/v1/portfolio")))
            request.setValue("Bearer \(cli.token)", forHTTPHeaderField: "Authorization")
            let (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let fromAPI = try JSONSerialization.jsonObject(with: body)
            let cliDocument = try #require(Self.timeless(fromCLI) as? NSDictionary)
            let apiDocument = try #require(Self.timeless(fromAPI) as? NSDictionary)
            #expect(cliDocument == apiDocument, "gantry portfolio --json: \(json.stdout)\nGET /v1/portfolio: \(String(decoding: body, as: UTF8.self))")
            let ids = ((fromCLI as? [String: Any])?["projects"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(Set(ids ?? []) == [first, second])

            let table = try await cli.run(["portfolio"], environment: cli.apiEnvironment)
            #expect(table.status == 0, "\(table)")
            #expect(table.stdout.contains("RANKING BY SLIP"), "\(table)")
            #expect(table.stdout.contains("UPCOMING GATES"), "\(table)")
            #expect(table.stdout.contains("Portfolio Alpha") && table.stdout.contains("Portfolio Beta"), "\(table)")
            #expect(table.stdout.contains("requirements_analysis 2"), "\(table)")

            let limited = try await cli.run(["portfolio", "--limit", "1"], environment: cli.apiEnvironment)
            #expect(limited.status == 0, "\(limited)")
            #expect(limited.stdout.contains("and 1 more"), "\(limited)")
        }
    }

    @Test
    func endpointsAreAddedListedAndRemovedAndABadOneExitsTwoNamingTheField() async throws {
        try await CLIHarness.with("cli endpoints") { cli, _ in
            let project = try await Self.createProject(cli, name: "Endpoint Gamma", target: "2026-12-01")

            let email = try await cli.run(
                ["projects", "endpoints", "add", project, "--email", "pmo@client.example.com", "--name", "PMO"],
                environment: cli.apiEnvironment)
            #expect(email.status == 0, "\(email)")
            #expect(email.lines.count == 1 && UUID(uuidString: email.lines[0]) != nil, "the ID alone on stdout: \(email)")

            let badURL = try await cli.run(
                ["projects", "endpoints", "add", project, "--url", "ftp://files.example.com/in"], environment: cli.apiEnvironment)
            #expect(badURL.status == 2, "\(badURL)")
            #expect(badURL.stderr.contains("url"), "\(badURL)")
            let badEmail = try await cli.run(
                ["projects", "endpoints", "add", project, "--email", "nobody"], environment: cli.apiEnvironment)
            #expect(badEmail.status == 2, "\(badEmail)")
            #expect(badEmail.stderr.contains("email"), "\(badEmail)")

            // The harness's API has no GANTRY_SECRET_KEY: a webhook is refused, naming the variable.
            let keyless = try await cli.run(
                ["projects", "endpoints", "add", project, "--url", "https://hooks.example.com/in"], environment: cli.apiEnvironment)
            #expect(keyless.status != 0, "\(keyless)")
            #expect(keyless.stderr.contains("GANTRY_SECRET_KEY"), "\(keyless)")

            // A second API with a key seals the webhook's secret and shows it this once.
            var generator = SystemRandomNumberGenerator()
            let key = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
            let keyedURL = "http://127.0.0.1:\(try freeLoopbackPort())"
            let keyed = try cli.start(
                ["api", "--port", String(keyedURL.split(separator: ":").last!)], environment: ["GANTRY_SECRET_KEY": key],
                log: "api-keyed.log")
            try await eventually("the keyed gantry api to answer /healthz", timeout: .seconds(60), every: .milliseconds(100)) {
                if keyed.hasExited { throw TestServerError(.startFailed, "gantry api exited: \(keyed.output)") }
                guard let url = URL(string: keyedURL + "/healthz"), let (_, response) = try? await URLSession.shared.data(from: url)
                else { return false }
                return (response as? HTTPURLResponse)?.statusCode == 200
            }
            let keyedEnvironment = ["GANTRY_API_URL": keyedURL, "GANTRY_TOKEN": cli.token]
            let webhook = try await cli.run(
                ["projects", "endpoints", "add", project, "--url", "https://hooks.example.com/in", "--json"],
                environment: keyedEnvironment)
            #expect(webhook.status == 0, "\(webhook)")
            let created = try #require(try JSONSerialization.jsonObject(with: Data(webhook.stdout.utf8)) as? [String: Any])
            let secret = try #require(created["secret"] as? String)
            #expect(secret.hasPrefix("whsec_"))
            let webhookID = try #require(created["id"] as? String)

            let listed = try await cli.run(["projects", "endpoints", "list", project, "--json"], environment: cli.apiEnvironment)
            #expect(listed.status == 0, "\(listed)")
            let endpoints = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            #expect(endpoints.map { $0["channel"] as? String } == ["email", "webhook"])
            #expect(!listed.stdout.contains(secret) && endpoints.allSatisfy { $0["secret"] == nil })
            let table = try await cli.run(["projects", "endpoints", "list", project], environment: cli.apiEnvironment)
            #expect(table.stdout.contains("https://hooks.example.com/in") && table.stdout.contains("pmo@client.example.com"), "\(table)")

            let removed = try await cli.run(["projects", "endpoints", "remove", project, webhookID], environment: cli.apiEnvironment)
            #expect(removed.status == 0, "\(removed)")
            let again = try await cli.run(["projects", "endpoints", "remove", project, webhookID], environment: cli.apiEnvironment)
            #expect(again.status != 0, "\(again)")
            let after = try await cli.run(["projects", "endpoints", "list", project, "--json"], environment: cli.apiEnvironment)
            let left = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [[String: Any]])
            #expect(left.map { $0["channel"] as? String } == ["email"])
        }
    }
}

/// `gantry projects advance` and the tracking `gantry projects show` adds.
@Suite("gantry projects advance and show", .serialized, .enabled(if: TestServers.areAvailable))
struct ProjectAdvanceCLITests {
    @Test
    func advanceRecordsStepsRefusesIllegalOnesWithExitTwoAndShowPrintsGatesEventsAndChains() async throws {
        try await CLIHarness.with("cli advance") { cli, _ in
            let project = try await PortfolioAndEndpointCLITests.createProject(cli, name: "Advance Delta", target: "2026-12-01")

            let research = try await cli.run(
                ["projects", "advance", project, "--step", "requirements.research", "--on", "2026-03-02"], environment: cli.apiEnvironment)
            #expect(research.status == 0, "\(research)")
            #expect(research.stdout.contains("step_completed") && research.stdout.contains("active"), "\(research)")

            let early = try await cli.run(["projects", "advance", project, "--step", "design.architecture"], environment: cli.apiEnvironment)
            #expect(early.status == 2, "\(early)")
            #expect(early.stderr.contains("phase_not_open") && early.stderr.contains("requirements_analysis.review"), "\(early)")
            let unknown = try await cli.run(["projects", "advance", project, "--step", "requirements.nope"], environment: cli.apiEnvironment)
            #expect(unknown.status == 2, "\(unknown)")
            #expect(unknown.stderr.contains("unknown_step"), "\(unknown)")

            let consolidation = try await cli.run(
                ["projects", "advance", project, "--step", "requirements.consolidation", "--on", "2026-03-09"], environment: cli.apiEnvironment)
            #expect(consolidation.status == 0, "\(consolidation)")
            let review = try await cli.run(
                ["projects", "advance", project, "--step", "requirements.review", "--approved-by", "Ada Lovelace", "--on", "2026-03-10", "--json"],
                environment: cli.apiEnvironment)
            #expect(review.status == 0, "\(review)")
            let tracking = try #require(try JSONSerialization.jsonObject(with: Data(review.stdout.utf8)) as? [String: Any])
            #expect(tracking["current_phase"] as? String == "system_design")
            let started = try await cli.run(
                ["projects", "advance", project, "--step", "design.ui", "--start", "--on", "2026-03-11"], environment: cli.apiEnvironment)
            #expect(started.status == 0, "\(started)")
            #expect(started.stdout.contains("step_started"), "\(started)")

            let shown = try await cli.run(["projects", "show", project], environment: cli.apiEnvironment)
            #expect(shown.status == 0, "\(shown)")
            for text in ["TRACKING", "requirements_analysis.review: approved by Ada Lovelace on 2026-03-10", "EVENTS", "gate_approved", "FOLLOW-UPS"] {
                #expect(shown.stdout.contains(text), "\(text): \(shown)")
            }
            let json = try await cli.run(["projects", "show", project, "--json"], environment: cli.apiEnvironment)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let events = (document["tracking"] as? [String: Any])?["events"] as? [[String: Any]]
            #expect(events?.contains { $0["type"] as? String == "gate_approved" && $0["approved_by"] as? String == "Ada Lovelace" } == true)
        }
    }
}
