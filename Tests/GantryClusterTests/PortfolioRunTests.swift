import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GantryCore
import GantryPostgres
import GantryTesting
import Testing

/// Issue 13's end-to-end run: hundreds of client projects driven through all five phases by a
/// script through the API, with a coordinator and workers running and a local webhook receiver as
/// the stakeholders. Every project must end `done`, every follow-up chain must have run exactly
/// once per trigger, each project must have its reports and notifications, and `gantry portfolio`
/// must agree with `/v1/portfolio` and with what the run did.
///
/// `GANTRY_E2E_PROJECTS` sets the number of projects (500 by default).
@Suite("Portfolio run", .serialized)
struct PortfolioRunTests {
    static let projects = Int(ProcessInfo.processInfo.environment["GANTRY_E2E_PROJECTS"] ?? "") ?? 500

    @Test func fiveHundredProjectsRunThroughAllPhasesWithTheirFollowUpsOnce() async throws {
        let cluster = try await Cluster("e2e")
        let receiver = try await WebhookTestServer.start()
        var children: [WorkerProcess] = []
        defer {
            for child in children { child.kill9() }
        }
        let secretKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let environment = cluster.environment.merging([
            "GANTRY_SECRET_KEY": secretKey, "GANTRY_WEBHOOK_ALLOW": "127.0.0.0/8",
        ]) { _, new in new }
        func start(_ name: String, _ arguments: [String]) throws -> WorkerProcess {
            let child = try cluster.child(name, arguments, environment: environment)
            children.append(child)
            return child
        }

        // The token, the API, a coordinator and three workers on the queues the chains use.
        let (api, client) = try await cluster.startAPI(environment: environment)
        children.append(api)
        let token = client.token
        let coordinator = try start("coordinator", ["coordinator", "--metrics-port", "\(try freeLoopbackPort())"])
        for n in 1...3 {
            _ = try start("worker-\(n)", ["worker", "--queues", "default,reports", "--concurrency", "8", "--log-level", "notice"])
        }

        // The script: each project with a webhook endpoint, then every step of every phase in order.
        let began = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let n = next
                next += 1
                group.addTask { try await Self.drive(project: n, client: client, receiver: receiver) }
            }
            for _ in 0..<min(16, Self.projects) { add() }
            while try await group.next() != nil {
                if next < Self.projects { add() }
            }
        }
        let scriptDone = ContinuousClock.now - began
        cluster.progress("script done in \(scriptDone)")

        // Every chain step finishes: no follow-up is left open, none failed.
        let db = try await PostgresConnection.connect(configuration: try PostgresConfiguration(url: cluster.postgres.url))
        defer { db.close() }
        func count(_ sql: String) async throws -> Int {
            try await db.query(PostgresQuery(unsafeSQL: sql)).rows[0].decode(0, as: Int.self)
        }
        let expectedRuns = Self.projects * 5
        try await eventually("every follow-up chain to finish", timeout: .seconds(900), every: .seconds(1)) {
            #expect(coordinator.isRunning, "the coordinator exited: \(coordinator.output)")
            let open = try await count("SELECT count(*) FROM follow_ups WHERE state = 'enqueued'")
            let runs = try await count("SELECT count(DISTINCT trigger_event) FROM follow_ups WHERE chain = 'phase-done'")
            let undispatched = try await count("SELECT count(*) FROM project_events WHERE dispatched_at IS NULL")
            cluster.progress("t=\(ContinuousClock.now - began) open=\(open) runs=\(runs) undispatched=\(undispatched)")
            return open == 0 && undispatched == 0 && runs == expectedRuns
        }

        let chainsDone = ContinuousClock.now - began
        #expect(try await count("SELECT count(*) FROM projects WHERE status = 'done'") == Self.projects)
        #expect(try await count("SELECT count(*) FROM follow_ups WHERE state = 'failed'") == 0)
        // One phase-done chain per phase per project, each step once: 5 estimates and 5 reports each.
        #expect(try await count("SELECT count(*) FROM project_events WHERE type = 'phase_completed'") == expectedRuns)
        #expect(try await count("SELECT count(*) FROM follow_ups WHERE chain = 'phase-done' AND step < 2 AND state = 'done'") == 2 * expectedRuns)
        #expect(try await count("SELECT count(*) FROM (SELECT project_id FROM estimates GROUP BY project_id HAVING count(*) = 5) p") == Self.projects)
        #expect(try await count("SELECT count(*) FROM (SELECT project_id FROM reports GROUP BY project_id HAVING count(DISTINCT job_id) = 5) p") == Self.projects)
        // No job ran its effect twice: one result per follow-up job, one success per job.
        let withResults = try await count("SELECT count(*) FROM follow_ups f JOIN job_results r ON r.job_id = f.job_id")
        #expect(withResults == (try await count("SELECT count(*) FROM follow_ups WHERE state = 'done'")))
        #expect(try await count("SELECT count(*) FROM (SELECT job_id FROM job_runs WHERE outcome = 'succeeded' GROUP BY job_id HAVING count(*) > 1) d") == 0)
        // Notifications: each project's first report always changes its RAG status (from none), so each
        // project has at least one; every one sent reached the receiver once.
        #expect(try await count("SELECT count(DISTINCT project_id) FROM notification_deliveries WHERE state = 'sent'") == Self.projects)
        let sent = try await count("SELECT count(*) FROM notification_deliveries WHERE state = 'sent'")
        #expect(try await count("SELECT count(*) FROM follow_ups WHERE kind = 'notify.send' AND state = 'done'") == sent)
        try await eventually("the receiver to count every delivery", timeout: .seconds(30)) { receiver.requests.count >= sent }
        print(
            "portfolio run: \(Self.projects) projects, script \(scriptDone), every chain done after \(chainsDone), "
                + "\(try await count("SELECT count(*) FROM follow_ups")) follow-up steps, \(sent) notifications")
        let ids = receiver.requests.compactMap { $0.headers["webhook-id"] }
        #expect(ids.count == sent && Set(ids).count == sent, "each notification arrives once")

        // The portfolio, through the API and the CLI, agrees with the run.
        let portfolio = try await client.get("/v1/portfolio")
        #expect(portfolio.status == 200)
        let cli = try start("portfolio", ["portfolio", "--json", "--api-url", client.base, "--token", token])
        #expect(await cli.waitForExit(timeoutMs: 60_000) == 0, "gantry portfolio: \(cli.output)")
        let fromCLI = try #require(try JSONSerialization.jsonObject(with: Data(cli.output.utf8)) as? [String: Any])
        let fromAPI = try #require(try JSONSerialization.jsonObject(with: portfolio.body) as? [String: Any])
        // The two reads differ only in when they were made (the document says which fields those are).
        #expect(
            NSDictionary(dictionary: PortfolioExpectations.timeless(fromCLI)) == NSDictionary(dictionary: PortfolioExpectations.timeless(fromAPI)),
            "gantry portfolio --json and /v1/portfolio differ")
        var latestP80: [String: String] = [:]
        for row in try await db.query(
            """
            SELECT DISTINCT ON (project_id) project_id::text, p80_finish::text FROM estimates
            ORDER BY project_id, created_at DESC, id
            """
        ).rows {
            latestP80[try row.decode(0, as: String.self)] = try row.decode(1, as: String.self)
        }
        PortfolioExpectations.check(fromAPI, projects: Self.projects, latestP80: latestP80)

        await receiver.stop()
        for child in children where child.isRunning { child.terminate() }
        for child in children { _ = await child.waitForExit(timeoutMs: 10_000) }
        await cluster.shutdown()
    }

    /// Creates project `n` with a webhook endpoint pointing at `receiver`, and completes each step of
    /// each phase in order (gates approved by the client's PM), checking every answer.
    static func drive(project n: Int, client: APIDriver, receiver: WebhookTestServer) async throws {
        let created = try await client.post(
            "/v1/projects",
            [
                "name": "CRM rollout \(n)", "client": ["name": "Client \(n)", "size": ["small", "medium", "large"][n % 3]],
                "start_date": "2026-01-05", "target_date": n % 2 == 0 ? "2026-12-31" : "2026-09-30",
                "factors": ["complexity": "medium", "team_capability": "high", "management_efficiency": "medium"],
            ])
        try #require(created.status == 201, "create project \(n): \(created.text)")
        let id = try #require(created.json?["id"] as? String)
        let endpoint = try await client.post("/v1/projects/\(id)/endpoints", ["channel": "webhook", "url": receiver.url])
        try #require(endpoint.status == 201, "add endpoint: \(endpoint.text)")
        let phases: [(String, [String], String?)] = [
            ("requirements_analysis", ["research", "consolidation", "review"], "review"),
            ("system_design", ["architecture", "database", "ui", "business_logic"], nil),
            ("development_and_testing", ["frontend", "backend", "integration_testing", "user_acceptance_testing"], "user_acceptance_testing"),
            ("deployment_and_training", ["deployment", "data_migration", "user_training"], nil),
            ("maintenance_and_support", ["monitoring", "fixes", "optimisation"], nil),
        ]
        for (phase, steps, gate) in phases {
            for step in steps {
                var body: [String: Any] = ["step": "\(phase).\(step)", "action": "complete"]
                if step == gate { body["approved_by"] = "PM of client \(n)" }
                let answer = try await client.post("/v1/projects/\(id)/advance", body)
                try #require(answer.status == 200, "advance \(phase).\(step) of project \(n): \(answer.text)")
            }
        }
        // A step done twice is refused (409), and the project is done.
        let again = try await client.post("/v1/projects/\(id)/advance", ["step": "maintenance_and_support.fixes"])
        #expect(again.status == 409, "a second completion: \(again.text)")
    }
}

/// What the portfolio must say after the run: every project done, none at risk, no gate or go-live
/// ahead, and each project ranked by its latest forecast's slip.
enum PortfolioExpectations {
    /// The portfolio without the fields that depend on when it was read.
    static func timeless(_ portfolio: [String: Any]) -> [String: Any] {
        var copy = portfolio
        copy["generated_at"] = nil
        copy["today"] = nil
        copy["projects"] = (portfolio["projects"] as? [[String: Any]])?.map { project in
            var p = project
            p["forecast_age_seconds"] = nil
            return p
        }
        return copy
    }

    static func count(_ list: Any?, _ key: String) -> Int? {
        (list as? [[String: Any]])?.first { $0["key"] as? String == key }?["projects"] as? Int
    }

    static func check(_ portfolio: [String: Any], projects: Int, latestP80: [String: String]) {
        #expect(portfolio["project_count"] as? Int == projects)
        #expect(count(portfolio["by_phase"], "done") == projects)
        #expect(count(portfolio["by_status"], "done") == projects)
        #expect(count(portfolio["by_status"], "active") == 0)
        let health = portfolio["health"] as? [String: Any]
        #expect(health?["at_risk"] as? Int == 0 && health?["on_track"] as? Int == 0)
        #expect((portfolio["upcoming_gates"] as? [Any])?.isEmpty == true)
        #expect((portfolio["go_lives"] as? [Any])?.isEmpty == true)
        let ranked = portfolio["projects"] as? [[String: Any]] ?? []
        #expect(ranked.count == projects)
        #expect(ranked.allSatisfy { $0["status"] as? String == "done" && $0["at_risk"] as? Bool == false })
        #expect(ranked.allSatisfy { ($0["id"] as? String).flatMap { latestP80[$0] } == $0["p80_finish"] as? String })
        let slips = ranked.compactMap { $0["slip_days"] as? Int }
        #expect(slips.count == projects && slips == slips.sorted(by: >), "ranked by slip, largest first")
        #expect(ranked.map { $0["rank"] as? Int ?? 0 } == Array(1...max(projects, 1)).prefix(ranked.count).map { $0 })
    }
}
