import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GantryCore
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

/// Runs the real debug `gantry` binary: against the test servers, a `gantry api` it starts on a free port, and
/// `gantry worker`s when a test needs jobs to run. Every process it starts is stopped by `shutdown()`.
final class CLIHarness: @unchecked Sendable {
    // Unchecked: `Process` is not Sendable; each harness belongs to one test's task.
    let binary: URL
    let directory: URL
    let redisURL: String
    let databaseURL: String
    let apiURL: String
    /// An admin token (submit, read, admin), made with `gantry tokens create`.
    private(set) var token = ""
    private var processes: [Process] = []

    /// Runs `body` with a harness, and stops everything the harness started whether `body` passes or throws.
    static func with(_ name: String, _ body: (CLIHarness) async throws -> Void) async throws {
        let harness = try await CLIHarness(name)
        do {
            try await body(harness)
        } catch {
            await harness.shutdown()
            throw error
        }
        await harness.shutdown()
    }

    private init(_ name: String) async throws {
        binary = try Self.gantryBinary()
        redisURL = try TestServers.redisURL()
        databaseURL = try TestServers.databaseURL()
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(TestServers.uniquePrefix(name))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        apiURL = "http://127.0.0.1:\(try freeLoopbackPort())"

        let migrate = try await run(["migrate"], timeoutSeconds: 120)
        try #require(migrate.status == 0, "gantry migrate failed: \(migrate)")
        let created = try await run(["tokens", "create", "--scopes", "submit,read,admin", "--name", "cli-tests"])
        try #require(created.status == 0 && created.lines.count == 1, "tokens create: \(created)")
        token = created.lines[0]

        let port = String(apiURL.split(separator: ":").last!)
        try start(["api", "--port", port], log: "api.log")
        try await waitForHealth()
    }

    /// The servers' variables, without any `GANTRY_API_URL`/`GANTRY_TOKEN` the environment may carry.
    var serverEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GANTRY_API_URL"] = nil
        environment["GANTRY_TOKEN"] = nil
        environment["GANTRY_REDIS_URL"] = redisURL
        environment["GANTRY_DATABASE_URL"] = databaseURL
        environment["NO_COLOR"] = "1"
        return environment
    }

    /// The variables a CLI user sets to reach this harness's API.
    var apiEnvironment: [String: String] { ["GANTRY_API_URL": apiURL, "GANTRY_TOKEN": token] }

    /// Runs `gantry arguments`, its output in files (no pipe can fill up and stall it), killed after
    /// `timeoutSeconds`. `environment` is laid over `serverEnvironment`; a nil value removes a variable.
    func run(
        _ arguments: [String], environment: [String: String?] = [:], directory workingDirectory: URL? = nil,
        timeoutSeconds: Double = 60
    ) async throws -> CLIRun {
        let id = UUID().uuidString
        let out = directory.appendingPathComponent("run-\(id).out")
        let err = directory.appendingPathComponent("run-\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var merged = serverEnvironment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        process.currentDirectoryURL = workingDirectory ?? directory
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("gantry \(arguments.joined(separator: " ")) did not finish within \(timeoutSeconds) s")
        }
        try? outHandle.close()
        try? errHandle.close()
        return CLIRun(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Starts a long-running `gantry` child (API, worker), its output in `log`.
    func start(_ arguments: [String], log: String) throws {
        let url = directory.appendingPathComponent(log)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = serverEnvironment
        process.currentDirectoryURL = directory
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes.append(process)
    }

    func startWorker(queues: String) throws {
        try start(["worker", "--queues", queues, "--lease", "5", "--grace", "2"], log: "worker-\(processes.count).log")
    }

    /// The API's log, to explain a failure.
    var apiLog: String { (try? String(contentsOf: directory.appendingPathComponent("api.log"), encoding: .utf8)) ?? "" }

    private func waitForHealth() async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let url = URL(string: apiURL + "/healthz"), let (_, response) = try? await URLSession.shared.data(from: url),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            if let api = processes.first, !api.isRunning {
                throw TestServerError(.startFailed, "gantry api exited: \(apiLog)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestServerError(.startFailed, "gantry api did not answer /healthz within 60 s: \(apiLog)")
    }

    /// Stops every child (SIGTERM, then SIGKILL after 10 s) and removes the scratch folder.
    func shutdown() async {
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        for process in processes {
            while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
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

    /// The `gantry` built beside this test bundle (or `GANTRY_BINARY`).
    static func gantryBinary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["GANTRY_BINARY"] { return URL(fileURLWithPath: path) }
        let exe = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        let candidate = exe.deletingLastPathComponent().appendingPathComponent("gantry")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw TestServerError(.binaryMissing, "no gantry binary at \(candidate.path): build it first (swift build --build-tests builds it)")
        }
        return candidate
    }
}
