import Foundation
import GantryLocalServers
import GantryTesting
import Testing

/// `gantry dev` as its users run it: the servers it starts through GantryLocalServers, the children it supervises,
/// and the backoff with which it restarts one that keeps dying.
@Suite("gantry dev: servers and supervision", .serialized, .enabled(if: TestServers.areAvailable))
struct DevSupervisionTests {
    @Test func aWorkerKilledAgainAndAgainIsRestartedEachTimeWithADoublingDelay() async throws {
        let dev = try DevRun(["--workers", "1"], servers: .shared)
        defer { dev.stop() }
        try await dev.waitUntilRunning()

        var pid = try await dev.workerPID(differentFrom: nil)
        for round in 1...3 {
            kill(pid, SIGKILL)
            try await eventually("gantry dev notes death \(round) of worker 1", timeout: .seconds(30)) {
                dev.restartDelays().count >= round
            }
            pid = try await dev.workerPID(differentFrom: pid)
        }

        // Each death came within seconds of its start, so each wait doubles: 0.5 s, then 1 s, then 2 s.
        #expect(dev.restartDelays() == ["0.5 s", "1 s", "2 s"], "worker-1.log:\n\(dev.log("worker-1.log"))")
        #expect(kill(pid, 0) == 0, "worker 1 runs again")
    }

    @Test func fourWorkersUnderLoadLoseNoJobWhenOneIsKilledAndRestarted() async throws {
        let queue = "devload\(UInt32.random(in: 0...UInt32.max))"
        let dev = try DevRun(["--workers", "4", "--queues", queue], servers: .shared)
        defer { dev.stop() }
        try await dev.waitUntilRunning()
        let api = try dev.api()
        try await eventually("the API answers", timeout: .seconds(60), every: .milliseconds(100)) {
            (try? await api.get("/v1/queues").status) == 200
        }
        let jobs = 3_000
        for start in stride(from: 0, to: jobs, by: 1_000) {
            let batch = (start..<start + 1_000).map { n -> [String: Any] in
                ["kind": "gantry.sleep", "queue": queue, "payload": ["ms": 200 + n % 200]]
            }
            let answer = try await api.post("/v1/jobs/bulk", ["jobs": batch])
            try #require(answer.status == 201 || answer.status == 202, "bulk: \(answer.text)")
        }
        func counts() async throws -> [String: Int] {
            let queues = try await api.get("/v1/queues").json
            let row = (queues?["queues"] as? [[String: Any]])?.first { $0["queue"] as? String == queue } ?? [:]
            return row.compactMapValues { $0 as? Int }
        }
        // Killed mid-run, with jobs in its hands (as its registry entry says): their leases lapse and the
        // coordinator hands them to the other workers.
        let victim = try await dev.workerPID(differentFrom: nil)
        try await eventually("worker 1 runs jobs", timeout: .seconds(60), every: .milliseconds(20)) {
            let workers = try await api.get("/v1/workers").json?["workers"] as? [[String: Any]] ?? []
            return workers.contains { $0["pid"] as? Int == Int(victim) && ($0["running"] as? Int ?? 0) > 0 }
        }
        kill(victim, SIGKILL)
        let restarted = try await dev.workerPID(differentFrom: victim)
        #expect(restarted != victim)
        try await eventually("every job done", timeout: .seconds(120), every: .milliseconds(200)) {
            let c = try await counts()
            return (c["processed"] ?? 0) + (c["dead"] ?? 0) >= jobs && c["ready"] == 0 && c["leased"] == 0
        }
        let c = try await counts()
        #expect(c["processed"] == jobs && c["dead"] == 0, "\(c)")
        // The killed worker held jobs: the coordinator reclaimed them when their leases lapsed.
        #expect((c["reclaimed"] ?? 0) > 0, "\(c)")
        print("dev under load: \(jobs) jobs, worker 1 killed while running jobs and restarted; \(c)")
        #expect(dev.restartDelays().count == 1, "worker 1 died once and was restarted")
    }

    @Test func theDemoSeedsItsPortfolioOnceAndKeepsWorkFlowing() async throws {
        let dev = try DevRun(["--workers", "2", "--demo", "--demo-projects", "30"], servers: .embedded)
        dev.keepsDirectory = true
        defer { try? FileManager.default.removeItem(at: dev.directory) }
        try await dev.waitUntilRunning(timeout: .seconds(120))
        try await eventually("the demo is seeded", timeout: .seconds(120), every: .milliseconds(200)) {
            FileManager.default.fileExists(atPath: dev.directory.appendingPathComponent("demo-seeded").path)
        }
        let api = try dev.api()
        let portfolio = try #require(try await api.get("/v1/portfolio").json)
        #expect(portfolio["project_count"] as? Int == 30)
        let phases = (portfolio["by_phase"] as? [[String: Any]] ?? []).filter { ($0["projects"] as? Int ?? 0) > 0 }
        #expect(phases.count >= 4, "projects spread over the phases: \(phases)")
        // Work flows: completed phases' follow-ups, imports and re-forecasts are processed; a doomed forecast dies.
        try await eventually("jobs processed, one dead, an import finished", timeout: .seconds(120), every: .milliseconds(500)) {
            let queues = try await api.get("/v1/queues").json?["queues"] as? [[String: Any]] ?? []
            let processed = queues.reduce(0) { $0 + ($1["processed"] as? Int ?? 0) }
            let dead = queues.reduce(0) { $0 + ($1["dead"] as? Int ?? 0) }
            return processed >= 50 && dead >= 1
        }
        let log = dev.output
        #expect(log.contains("demo: seeded 30 projects"), "\(log)")
        #expect(dev.stop() == 0, "\(dev.output)")

        // Started again on its data: nothing is seeded twice.
        let again = try DevRun(["--workers", "1", "--demo", "--demo-projects", "30"], servers: .embedded, directory: dev.directory)
        again.keepsDirectory = true
        try await again.waitUntilRunning(timeout: .seconds(120))
        let second = try again.api()
        try await eventually("the API answers", timeout: .seconds(60), every: .milliseconds(200)) {
            (try? await second.get("/v1/portfolio"))?.json?["project_count"] as? Int == 30
        }
        #expect(!again.output.contains("demo: seeding"), "\(again.output)")
        #expect(again.stop() == 0, "\(again.output)")
    }

    @Test func devStartsItsOwnRedisAndPostgresAndStopsThemOnSIGTERM() async throws {
        let dev = try DevRun(["--workers", "0"], servers: .embedded)
        try await dev.waitUntilRunning(timeout: .seconds(120))
        let redisPort = try #require(dev.port(of: "redis-url"))
        let postgresPort = try #require(dev.port(of: "database-url"))
        #expect(LoopbackPort.acceptsConnections(redisPort) && LoopbackPort.acceptsConnections(postgresPort))
        #expect(FileManager.default.fileExists(atPath: dev.directory.appendingPathComponent("postgres/PG_VERSION").path))

        let status = dev.stop()

        #expect(status == 0, "gantry dev's output:\n\(dev.output)")
        #expect(!LoopbackPort.acceptsConnections(redisPort), "redis-server stopped")
        #expect(!LoopbackPort.acceptsConnections(postgresPort), "postgres stopped")
        #expect(!FileManager.default.fileExists(atPath: dev.directory.appendingPathComponent("postgres/postmaster.pid").path))
        #expect(FileManager.default.fileExists(atPath: dev.directory.appendingPathComponent("redis.log").path))
        #expect(FileManager.default.fileExists(atPath: dev.directory.appendingPathComponent("postgres.log").path))
    }
}

/// One `gantry dev` of a test, in a data directory of its own, on free ports, its output in a file.
private final class DevRun: @unchecked Sendable {
    // Unchecked: `Process` is not Sendable; a test touches its run from one task at a time.
    enum Servers { case shared, embedded }

    let directory: URL
    private let process = Process()
    private let outputFile: URL

    /// `directory`: an earlier run's, to start again on its data.
    init(_ arguments: [String], servers: Servers, directory: URL? = nil) throws {
        let directory = directory
            ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(TestServers.uniquePrefix("dev"))
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outputFile = directory.appendingPathComponent("dev-output-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        switch servers {
        case .shared:
            environment["GANTRY_REDIS_URL"] = try TestServers.redisURL()
            environment["GANTRY_DATABASE_URL"] = try TestServers.databaseURL()
        case .embedded:
            environment["GANTRY_REDIS_URL"] = nil
            environment["GANTRY_DATABASE_URL"] = nil
        }
        let output = try FileHandle(forWritingTo: outputFile)
        process.executableURL = try GantryBinary.url()
        process.arguments = ["dev", "--data-dir", directory.path, "--api-port", String(try freeLoopbackPort()),
                             "--redis-port", String(try freeLoopbackPort()),
                             "--postgres-port", String(try freeLoopbackPort())] + arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Keeps the data directory when the run ends (for a second run on it).
    var keepsDirectory = false

    deinit {
        stop()
        if !keepsDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    var output: String { log(outputFile.lastPathComponent) }

    /// The API of this dev with its admin token.
    func api() throws -> APIDriver {
        APIDriver(
            base: log("api-url").trimmingCharacters(in: .whitespacesAndNewlines),
            token: log("admin-token").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func log(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Until dev has migrated and printed its addresses.
    func waitUntilRunning(timeout: Duration = .seconds(60)) async throws {
        try await eventually("gantry dev is running", timeout: timeout, every: .milliseconds(100)) {
            guard process.isRunning else { throw DevExited(output: output) }
            return output.contains("gantry dev is running")
        }
    }

    /// The pid in `worker-1.pid` once it names a live worker other than `previous`.
    func workerPID(differentFrom previous: pid_t?) async throws -> pid_t {
        try await eventually("worker 1 runs (not pid \(previous.map(String.init) ?? "-"))", timeout: .seconds(60),
                             every: .milliseconds(50), read: { () -> pid_t? in
            guard let text = try? String(contentsOf: self.directory.appendingPathComponent("worker-1.pid"), encoding: .utf8),
                  let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid != previous, kill(pid, 0) == 0
            else { return nil }
            return pid
        }, until: { $0 != nil })!
    }

    /// The delays of `gantry dev: worker 1 died (…); restarting it in 0.5 s` lines in the worker's log, in order.
    func restartDelays() -> [String] {
        log("worker-1.log").split(separator: "\n").compactMap { line in
            guard line.hasPrefix("gantry dev: worker 1 died"), let range = line.range(of: "restarting it in ") else { return nil }
            return String(line[range.upperBound...])
        }
    }

    /// The port in a URL file dev writes (`redis-url`, `database-url`).
    func port(of file: String) -> Int? {
        let url = log(file).trimmingCharacters(in: .whitespacesAndNewlines)
        return URLComponents(string: url)?.port
    }

    /// SIGTERM, as a terminal's Ctrl-C or a supervisor would, and its exit status (SIGKILL after 30 s).
    @discardableResult
    func stop() -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        return process.terminationStatus
    }
}

private struct DevExited: Error, CustomStringConvertible {
    let output: String
    var description: String { "gantry dev exited early:\n\(output)" }
}
