import Foundation
import GantryTesting
import Testing

/// The dashboard in a real headless browser: Debian's chromium driven by Selenium (Tests/Browser), against the
/// real `gantry api` and workers on real Redis and PostgreSQL. This test prepares what the browser checks — a
/// project with two forecasts and a started phase, a job that died, a worker that stays — then runs
/// `Tests/Browser/run-dashboard-test.sh` (which installs chromium, chromium-driver and Selenium when missing)
/// and requires it to pass. Screenshots go to `GANTRY_ARTEFACTS`, by default `.build/artefacts/dashboard/`.
@Suite("dashboard in a browser", .serialized, .enabled(if: TestServers.areAvailable))
struct DashboardBrowserTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func day(_ offset: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(offset) * 86_400))
    }

    @Test
    func anOperatorSignsInWatchesDepthRetriesADeadJobAndOpensAProjectsGanttAndForecast() async throws {
        try await CLIHarness.with("dashboard browser") { cli, queue in
            let env = cli.apiEnvironment
            let worker = try cli.startWorker(queues: queue)
            // Stays up, so the workers view has a worker to list after the first one stops.
            try cli.startWorker(queues: queue + "-other")

            // A project three weeks in, with its first phase running, and a forecast before and after that.
            let created = try await cli.run(
                [
                    "projects", "create", "--name", "Northwind CRM rollout", "--client", "Northwind Traders", "--client-size", "medium",
                    "--start", Self.day(-21), "--target", Self.day(190), "--complexity", "high", "--team", "medium", "--management", "medium",
                ], environment: env)
            try #require(created.status == 0 && created.lines.count == 1, "\(created)")
            let project = created.lines[0]
            let estimate = #"{"project_id":"\#(project)","trials":5000,"seed":7}"#
            let first = try await cli.run(
                ["submit", "estimate.simulate", "--payload", estimate, "--queue", queue, "--wait", "--wait-timeout", "120s"], environment: env)
            try #require(first.status == 0, "\(first)")
            for (step, extra) in [
                ("requirements.research", ["--start", "--on", Self.day(-21)]), ("requirements.research", ["--on", Self.day(-12)]),
                ("requirements.consolidation", ["--on", Self.day(-3)]),
            ] {
                let advanced = try await cli.run(["projects", "advance", project, "--step", step] + extra, environment: env)
                try #require(advanced.status == 0, "\(advanced)")
            }
            let second = try await cli.run(
                ["submit", "estimate.simulate", "--payload", estimate.replacingOccurrences(of: "\"seed\":7", with: "\"seed\":8"), "--queue", queue,
                 "--wait", "--wait-timeout", "120s"], environment: env)
            try #require(second.status == 0, "\(second)")
            let report = try await cli.run(
                ["submit", "report.build", "--payload", #"{"project_id":"\#(project)","formats":["html"]}"#, "--queue", queue, "--wait",
                 "--wait-timeout", "120s"], environment: env)
            try #require(report.status == 0, "\(report)")

            // A job that fails for good (its project does not exist): dead after its one attempt.
            let doomed = try await cli.run(
                [
                    "submit", "estimate.simulate", "--payload", #"{"project_id":"0190b2a4-0000-7000-8000-000000000000"}"#,
                    "--max-attempts", "1", "--queue", queue,
                ], environment: env)
            try #require(doomed.status == 0 && doomed.lines.count == 1, "\(doomed)")
            try await eventually("the doomed job to die", timeout: .seconds(60), every: .milliseconds(100)) {
                try await cli.queues()[queue]?["dead"] as? Int == 1
            }
            // No worker on the queue from here: submitted jobs stay ready, and the retried job stays out of dead.
            await worker.stop()

            let artefacts = URL(
                fileURLWithPath: ProcessInfo.processInfo.environment["GANTRY_ARTEFACTS"]
                    ?? Self.repository.appendingPathComponent(".build/artefacts/dashboard").path)
            try? FileManager.default.removeItem(at: artefacts)
            try FileManager.default.createDirectory(at: artefacts, withIntermediateDirectories: true)
            var environment = cli.serverEnvironment
            for (key, value) in env { environment[key] = value }
            environment["GANTRY_QUEUE"] = queue
            environment["GANTRY_PROJECT"] = project
            environment["GANTRY_DEAD_JOB"] = doomed.lines[0]
            environment["GANTRY_ARTEFACTS"] = artefacts.path
            let browser = try CLIProcess(
                URL(fileURLWithPath: "/bin/bash"), [Self.repository.appendingPathComponent("Tests/Browser/run-dashboard-test.sh").path],
                environment: environment, directory: Self.repository, log: artefacts.appendingPathComponent("browser-test.log"))
            do {
                // Installing chromium the first time takes minutes; the script's own waits are 30 s each.
                try await browser.waitForExit(timeout: .seconds(900))
            } catch {
                browser.signal(SIGKILL)
                try? await browser.waitForExit(timeout: .seconds(10))
                Issue.record("the browser test did not finish within 900 s: \(browser.output.suffix(4_000))")
                return
            }
            let output = browser.output
            print(output)
            #expect(browser.status == 0, "the browser test failed (log \(browser.log.path)):\n\(output.suffix(6_000))\nAPI log:\n\(cli.apiLog.suffix(3_000))")
            #expect(output.hasSuffix("PASS\n"), "\(output.suffix(2_000))")
            let shots = output.split(separator: "\n").filter { $0.hasPrefix("screenshot: ") }.map { String($0.dropFirst(12)) }
            #expect(shots.count >= 10, "\(shots)")
            for path in shots {
                let bytes = FileManager.default.contents(atPath: path) ?? Data()
                #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 10_000, "\(path) is not a PNG of a page")
            }
        }
    }
}
