import FoundationEssentials
import GantryAPIClient
import GantryCore
import GantryDomain
import Logging
import OpenAPIRuntime
import ServiceLifecycle

/// `gantry dev --demo`: once the API answers, seeds a delivery firm's portfolio through the API (on the first
/// start only: `DIR/demo-seeded` marks it), then keeps a trickle of work flowing until shutdown, so the dashboard,
/// `gantry queues` and `gantry portfolio` show live work within seconds.
///
/// The seed: `DemoPortfolio`'s projects with their completed steps (each completed phase starts the coordinator's
/// follow-up chain: a re-forecast, a report, a notice), stakeholder webhooks on a local receiver, and legacy
/// account exports in Salesforce, Zoho and Fxiaoke shapes being imported into the projects in deployment. The
/// trickle: a re-forecast of a random open project every few seconds, now and then a report, and a forecast of a
/// project that no longer exists, which fails for good and shows in the dead letter.
struct DemoSeeder: Service {
    let plan: WorkerPlan
    let gate: StartupGate
    let receiver: DemoWebhookReceiver
    let projects: Int
    let logger: Logger

    static let markerFile = "demo-seeded"

    func run() async throws {
        let gate = self.gate
        let migrated = await cancelWhenGracefulShutdown { await gate.wait() }
        guard migrated, !Task.isShuttingDownGracefully else {
            await receiver.stop()
            return
        }
        await cancelWhenGracefulShutdown {
            do {
                let client = try await apiClient()
                let marker = plan.dataDirectory + "/" + Self.markerFile
                if !FileManager.default.fileExists(atPath: marker) {
                    try await seed(client)
                    try Data("seeded \(projects) projects\n".utf8).write(to: URL(fileURLWithPath: marker))
                }
                try await trickle(client)
            } catch is CancellationError {
            } catch {
                logger.error("the demo stopped: \(error)")
            }
        }
        // Stays until the group stops it, whatever ended the work above: a service that returns while the group
        // shuts down in order would let the servers stop before the workers have drained.
        try? await gracefulShutdown()
        await receiver.stop()
    }

    /// The API's client with the dev's admin token, once `/healthz` answers.
    private func apiClient() async throws -> APIClient {
        let token = try String(contentsOfFile: plan.dataDirectory + "/" + DevAdminToken.tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let client = APIClient(
            endpoint: APIEnvironment.Endpoint(url: URL(string: plan.apiURL)!, token: token, source: "gantry dev --demo"))
        for _ in 0..<600 {
            if (try? await client.client.getHealthz().ok) != nil { return client }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DevError(.demo, "the API at \(plan.apiURL) did not answer within a minute (see \(plan.logFile(.api)))")
    }

    private func seed(_ api: APIClient) async throws {
        let today = CalendarDay(unixMilliseconds: WallClock.nowMs())
        let portfolio = DemoPortfolio(count: projects, today: today)
        logger.info("demo: seeding \(projects) client projects through the API")
        var imports = 0
        // Eight at a time: quick, and each project's steps stay in order.
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            func add() {
                let n = next
                next += 1
                group.addTask { try await seedProject(portfolio.projects[n], number: n, api) }
            }
            for _ in 0..<min(8, portfolio.projects.count) { add() }
            while let started = try await group.next() {
                imports += started
                if next < portfolio.projects.count { add() }
            }
        }
        let done = portfolio.projects.filter { $0.completed.count == DemoPortfolio.stepCount }.count
        logger.info("demo: seeded \(projects) projects (\(done) done), \(imports) imports running; webhooks go to \(receiver.url)")
    }

    /// Creates one project, completes its steps, adds its webhook and starts its import; returns the imports started.
    private func seedProject(_ project: DemoPortfolio.Project, number: Int, _ api: APIClient) async throws -> Int {
        let request = Components.Schemas.ProjectRequest(
            name: project.name,
            client: .init(name: project.client, size: .init(rawValue: project.size)!, industry: project.industry),
            start_date: project.start.description, target_date: project.target.description,
            factors: .init(
                complexity: .init(rawValue: project.complexity)!, team_capability: .init(rawValue: project.team)!,
                management_efficiency: .init(rawValue: project.management)!))
        let id = try await api.call { try await $0.createProject(body: .json(request)).created.body.json }.id
        if project.notifies {
            let endpoint = Components.Schemas.EndpointRequest(channel: .webhook, name: "PMO webhook", url: receiver.url)
            _ = try await api.call { try await $0.createProjectEndpoint(path: .init(id: id), body: .json(endpoint)).created }
        }
        for step in project.completed {
            let advance = Components.Schemas.AdvanceRequest(
                step: step.step, action: .complete, approved_by: step.approvedBy, on: step.completedOn.description,
                started_on: step.startedOn.description)
            _ = try await api.call { try await $0.advanceProject(path: .init(id: id), body: .json(advance)).ok }
        }
        guard let source = project.export else { return 0 }
        let csv = DemoExport.accounts(source, project: number)
        let query = Operations.createImport.Input.Query(
            project_id: id, entity: .accounts, profile: .init(rawValue: source.rawValue), name: "\(source.rawValue)-accounts.csv")
        _ = try await api.call { try await $0.createImport(query: query, body: .csv(HTTPBody(Array(csv.utf8)))).accepted }
        return 1
    }

    /// A re-forecast every two seconds, a report every tenth round and a doomed forecast every thirtieth.
    private func trickle(_ api: APIClient) async throws {
        var round = 0
        while !Task.isCancelled {
            round += 1
            let page = try await api.call { try await $0.listProjects(query: .init(limit: 100)).ok.body.json }
            let open = page.projects.filter { $0.status.rawValue != "done" }
            if let project = open.randomElement() {
                try await submit(api, kind: "estimate.simulate", payload: #"{"project_id":"\#(project.id)","trials":5000}"#)
                if round % 10 == 0 {
                    try await submit(api, kind: "report.build", payload: #"{"project_id":"\#(project.id)"}"#)
                }
            }
            if round % 30 == 1 {
                // A project deleted since its forecast was asked for: the job fails for good.
                try await submit(api, kind: "estimate.simulate", payload: #"{"project_id":"\#(JobID().description)"}"#)
            }
            try await Task.sleep(for: .seconds(2))
        }
    }

    private func submit(_ api: APIClient, kind: String, payload: String) async throws {
        let request = try JSONDecoder().decode(
            Components.Schemas.JobRequest.self, from: Data(#"{"kind":"\#(kind)","payload":\#(payload)}"#.utf8))
        _ = try await api.call { try await $0.createJob(body: .json(request)).created }
    }
}
