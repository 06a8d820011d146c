import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GantryCore
import GantryPostgres
import GantryTesting
import Testing

/// What one run of the real `gantry` binary did.
struct CLIRun: Sendable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    var description: String { "exit \(status)\nstdout: \(stdout.prefix(2_000))\nstderr: \(stderr.prefix(2_000))" }
}

/// One `gantry` process the harness started, with an expectation its exit fulfils: waits on it are events with
/// a deadline, never polls.
final class CLIProcess: @unchecked Sendable {
    // Unchecked: `Process` is not Sendable; it is only read after `exited` is fulfilled, or signalled by pid.
    let process = Process()
    let exited: TestExpectation
    /// Where its stdout and stderr go.
    let log: URL

    init(_ binary: URL, _ arguments: [String], environment: [String: String], directory: URL, log: URL, stdout: URL? = nil) throws {
        self.log = log
        exited = TestExpectation("gantry \(arguments.joined(separator: " ")) to exit")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardError = try FileHandle(forWritingTo: log)
        if let stdout {
            _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: stdout)
        } else {
            process.standardOutput = process.standardError
        }
        process.standardInput = FileHandle.nullDevice
        let exited = exited
        process.terminationHandler = { _ in exited.fulfill() }
        try process.run()
    }

    var hasExited: Bool { exited.count > 0 }
    /// The exit status (or the signal that ended it); read it after `waitForExit`.
    var status: Int32 { process.terminationStatus }
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    func waitForExit(timeout: Duration) async throws { try await exited.wait(timeout: timeout) }

    /// SIGTERM, then SIGKILL when it has not exited within `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        guard !hasExited else { return }
        signal(SIGTERM)
        if (try? await waitForExit(timeout: grace)) == nil {
            signal(SIGKILL)
            try? await waitForExit(timeout: .seconds(10))
        }
    }
}

/// Runs the real debug `gantry` binary: against the test servers, a `gantry api` it starts on a free port, and
/// `gantry worker`s when a test needs jobs to run. Every process it starts is stopped by `shutdown()`.
final class CLIHarness: @unchecked Sendable {
    // Unchecked: the list of children belongs to one test's task.
    let binary: URL
    let directory: URL
    /// The servers' variables, without any `GANTRY_API_URL`/`GANTRY_TOKEN` the environment may carry.
    let serverEnvironment: [String: String]
    let apiURL: String
    /// An admin token (submit, read, admin), made with `gantry tokens create`.
    private(set) var token = ""
    private var children: [CLIProcess] = []

    /// Runs `body` with a harness and a queue of its own (named after `name`, unique to this run), and stops
    /// everything the harness started whether `body` passes or throws.
    static func with(_ name: String, _ body: (CLIHarness, _ queue: String) async throws -> Void) async throws {
        let harness = try await CLIHarness(name)
        do {
            try await body(harness, TestServers.uniquePrefix(name))
        } catch {
            await harness.shutdown()
            throw error
        }
        await harness.shutdown()
    }

    private init(_ name: String) async throws {
        binary = try GantryBinary.url()
        var environment = ProcessInfo.processInfo.environment
        environment["GANTRY_API_URL"] = nil
        environment["GANTRY_TOKEN"] = nil
        environment["GANTRY_REDIS_URL"] = try TestServers.redisURL()
        environment["GANTRY_DATABASE_URL"] = try TestServers.databaseURL()
        environment["NO_COLOR"] = "1"
        serverEnvironment = environment
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(TestServers.uniquePrefix(name))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        apiURL = "http://127.0.0.1:\(try freeLoopbackPort())"

        let migrate = try await run(["migrate"], timeoutSeconds: 120)
        try #require(migrate.status == 0, "gantry migrate failed: \(migrate)")
        let created = try await run(["tokens", "create", "--scopes", "submit,read,admin", "--name", "cli-tests"])
        try #require(created.status == 0 && created.lines.count == 1, "tokens create: \(created)")
        token = created.lines[0]

        let port = String(apiURL.split(separator: ":").last!)
        let api = try start(["api", "--port", port], log: "api.log")
        try await eventually("gantry api to answer /healthz", timeout: .seconds(60), every: .milliseconds(100)) {
            if api.hasExited { throw TestServerError(.startFailed, "gantry api exited: \(api.output)") }
            guard let url = URL(string: apiURL + "/healthz"), let (_, response) = try? await URLSession.shared.data(from: url) else {
                return false
            }
            return (response as? HTTPURLResponse)?.statusCode == 200
        }
    }

    /// The variables a CLI user sets to reach this harness's API.
    var apiEnvironment: [String: String] { ["GANTRY_API_URL": apiURL, "GANTRY_TOKEN": token] }

    /// `environment` laid over `serverEnvironment`; a nil value removes a variable.
    private func environment(_ changes: [String: String?]) -> [String: String] {
        var merged = serverEnvironment
        for (key, value) in changes { merged[key] = value }
        return merged
    }

    /// Runs `gantry arguments`, its output in files (no pipe can fill up and stall it), killed after
    /// `timeoutSeconds`. `environment` is laid over `serverEnvironment`; a nil value removes a variable.
    func run(
        _ arguments: [String], environment: [String: String?] = [:], directory workingDirectory: URL? = nil,
        timeoutSeconds: Double = 60
    ) async throws -> CLIRun {
        let id = UUID().uuidString
        let out = directory.appendingPathComponent("run-\(id).out")
        let child = try CLIProcess(
            binary, arguments, environment: self.environment(environment), directory: workingDirectory ?? directory,
            log: directory.appendingPathComponent("run-\(id).err"), stdout: out)
        do {
            try await child.waitForExit(timeout: .milliseconds(Int64(timeoutSeconds * 1000)))
        } catch {
            child.signal(SIGKILL)
            try await child.waitForExit(timeout: .seconds(10))
            Issue.record("gantry \(arguments.joined(separator: " ")) did not finish within \(timeoutSeconds) s")
        }
        return CLIRun(status: child.status, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "", stderr: child.output)
    }

    /// Starts a long-running `gantry` child (API, worker), its output in `log`; `shutdown()` stops it.
    @discardableResult
    func start(_ arguments: [String], environment: [String: String?] = [:], log: String) throws -> CLIProcess {
        let child = try CLIProcess(
            binary, arguments, environment: self.environment(environment), directory: directory,
            log: directory.appendingPathComponent(log))
        children.append(child)
        return child
    }

    /// A worker on `queues` (or, with nil, on what `environment` says) with short leases and drains.
    @discardableResult
    func startWorker(queues: String?, _ extra: [String] = [], environment: [String: String?] = [:]) throws -> CLIProcess {
        try start(
            ["worker"] + (queues.map { ["--queues", $0] } ?? []) + ["--lease", "5", "--grace", "2"] + extra,
            environment: environment, log: "worker-\(children.count).log")
    }

    /// The API's log, to explain a failure.
    var apiLog: String { children.first?.output ?? "" }

    /// Stops every child (SIGTERM, then SIGKILL after 10 s) and removes the scratch folder.
    func shutdown() async {
        for child in children where !child.hasExited { child.signal(SIGTERM) }
        for child in children { await child.stop() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// `gantry queues --json` parsed, by queue name.
    func queues() async throws -> [String: [String: Any]] {
        let result = try await run(["queues", "--json"], environment: apiEnvironment)
        try #require(result.status == 0, "queues --json: \(result)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for queue in array { byName[queue["queue"] as? String ?? ""] = queue }
        return byName
    }

    /// Waits until `queue` has counted `count` jobs as processed and dead together (`gantry queues --json`).
    func waitUntilFinished(_ count: Int, in queue: String, timeout: Duration = .seconds(60)) async throws {
        try await eventually("\(count) jobs of \(queue) to finish", timeout: timeout, every: .milliseconds(100)) {
            let stats = try await queues()[queue]
            return (stats?["processed"] as? Int ?? 0) + (stats?["dead"] as? Int ?? 0) >= count
        }
    }

    /// The outcomes of the runs of `queue` in the job history (`job_runs`), oldest first.
    func historyOutcomes(queue: String) async throws -> [String] {
        let connection = try await PostgresConnection.connect(
            configuration: try PostgresConfiguration(url: try TestServers.databaseURL()))
        defer { connection.close() }
        let result = try await connection.query("SELECT outcome FROM job_runs WHERE queue = \(queue) ORDER BY started_at")
        return try result.rows.map { try $0.decode(0, as: String.self) }
    }
}
