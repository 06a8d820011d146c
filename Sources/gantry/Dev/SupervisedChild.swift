import FoundationEssentials
import Logging
import Subprocess

#if canImport(SystemPackage)
import SystemPackage
#elseif canImport(System)
import System
#endif

import Glibc

/// A child of `gantry dev` (`gantry api` or worker N), started with swift-subprocess and started again (after a
/// `RestartBackoff`) whenever it dies, until the task running it is cancelled. Cancellation stops it the way a
/// worker wants to be stopped: SIGTERM, which drains it, then SIGKILL once its grace is long over. Its output
/// goes straight into its log file (no pipe through gantry dev, so a busy child never waits on us).
struct SupervisedChild: Sendable {
    let child: DevChild
    let plan: WorkerPlan
    let logger: Logger

    /// Returns only when cancelled, after the current worker process has exited.
    func run() async {
        var backoff = RestartBackoff()
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let outcome: String
            do {
                let (pid, status) = try await runOnce()
                if Task.isCancelled {
                    logger.info("\(child) stopped (\(Self.describe(status)))", metadata: ["pid": "\(pid)"])
                    return
                }
                outcome = "pid \(pid), \(Self.describe(status))"
            } catch {
                if Task.isCancelled { return }
                outcome = "could not start: \(error)"
            }
            let delay = backoff.delay(afterRunOf: ContinuousClock.now - started)
            let message = "\(child) died (\(outcome)); restarting it in \(Self.seconds(delay))"
            logger.warning("\(message)")
            appendToLog("gantry dev: " + message)
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
        }
    }

    /// Starts the worker and waits until it exits: its pid and how it ended.
    private func runOnce() async throws -> (pid: pid_t, status: TerminationStatus) {
        var options = PlatformOptions()
        // A session of its own, so a terminal's Ctrl-C reaches only gantry dev, which then stops the workers in
        // order; a worker that got SIGINT from the terminal and then our SIGTERM would take the second signal as
        // "exit at once" and skip handing its jobs back.
        options.createSession = true
        // Applied when our task is cancelled (dev shutting down): SIGTERM, then SIGKILL after the allowance.
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: WorkerPlan.stopAllowance)]

        // Close-on-exec, so the workers and servers started beside this one do not inherit it; the child gets
        // it as stdout and stderr all the same.
        let log = try FileDescriptor.open(
            FilePath(plan.logFile(child)), .writeOnly, options: [.append, .create, .closeOnExec],
            permissions: [.ownerReadWrite, .groupRead, .otherRead])
        defer { try? log.close() }

        let child = self.child
        let logger = self.logger
        let pidFile = plan.pidFile(child)
        let result = try await Subprocess.run(
            .path(FilePath(plan.executable)),
            arguments: Arguments(plan.arguments(child)),
            environment: .inherit.updating(try environment()),
            workingDirectory: FilePath(plan.dataDirectory),
            platformOptions: options,
            input: .none,
            output: .fileDescriptor(log, closeAfterSpawningProcess: false),
            error: .combinedWithOutput
        ) { execution in
            // Returning at once is fine: run() still waits for the process to exit (or tears it down when
            // cancelled) before it returns.
            let pid = execution.processIdentifier.value
            try? "\(pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
            logger.info("\(child) started", metadata: ["pid": "\(pid)"])
            return pid
        }
        try? FileManager.default.removeItem(atPath: pidFile)
        return (result.closureResult, result.terminationStatus)
    }

    /// A line in the worker's own log, so reading it explains the gap between two runs. Only written while no
    /// worker process is running, so it never interleaves with one's output.
    private func appendToLog(_ line: String) {
        guard let log = try? FileDescriptor.open(
            FilePath(plan.logFile(child)), .writeOnly, options: [.append, .create, .closeOnExec],
            permissions: [.ownerReadWrite, .groupRead, .otherRead])
        else { return }
        _ = try? log.writeAll(Array((line + "\n").utf8))
        try? log.close()
    }

    static func describe(_ status: TerminationStatus) -> String {
        switch status {
        case .exited(let code):
            return "exit status \(code)"
        case .signaled(let signal):
            let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
            return "killed by signal \(signal) (\(name))"
        }
    }

    /// `0.5 s`, `4 s`: for log lines.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// The servers' URLs and the secret key over the plan's own variables and the inherited ones.
    private func environment() throws -> [Environment.Key: String?] {
        var variables: [Environment.Key: String?] = [:]
        for (name, value) in plan.environment {
            if let key = Environment.Key(rawValue: name) { variables[key] = value }
        }
        variables["GANTRY_REDIS_URL"] = plan.redisURL
        variables["GANTRY_DATABASE_URL"] = plan.databaseURL
        variables["GANTRY_SECRET_KEY"] = try DevSecretKey.value(dataDirectory: plan.dataDirectory)
        return variables
    }
}
