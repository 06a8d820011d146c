import FoundationEssentials
import GantryLocalServers
import Glibc
import Logging
import ServiceLifecycle

/// The children of `gantry dev`: once `DevStartup` has migrated, runs `gantry api` and `plan.count` workers as
/// `SupervisedChild`ren, each restarted when it dies. It is the last service of the group, so graceful shutdown stops it first: all
/// workers get SIGTERM at once, drain (their jobs go back to Redis, which is still up), and are killed after
/// `WorkerPlan.stopAllowance` if they have not exited; only then do the servers stop.
struct WorkerSupervisor: Service {
    let plan: WorkerPlan
    let gate: StartupGate
    let logger: Logger

    func run() async throws {
        let gate = self.gate
        let migrated = await cancelWhenGracefulShutdown { await gate.wait() }
        guard migrated, !Task.isShuttingDownGracefully, !Task.isCancelled else { return }

        let plan = self.plan
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    for child in plan.children {
                        group.addTask { await SupervisedChild(child: child, plan: plan, logger: logger).run() }
                    }
                }
            } onGracefulShutdown: {
                logger.info("stopping the API, the coordinator and \(plan.count) worker(s): SIGTERM, SIGKILL after \(SupervisedChild.seconds(WorkerPlan.stopAllowance))")
            }
        }
    }

    /// Stops the workers an earlier `gantry dev` on this data directory left running (it was killed with
    /// SIGKILL, and its workers live in sessions of their own), found by their pid files. Run before the
    /// servers start, so the old workers drain against the servers they know; SIGKILL after ten seconds.
    static func stopLeftovers(dataDirectory: String, logger: Logger) async {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? [])
            .filter { ($0.hasPrefix("worker-") || $0 == "api.pid" || $0 == "coordinator.pid") && $0.hasSuffix(".pid") }
            .map { dataDirectory + "/" + $0 }
        await withDiscardingTaskGroup { group in
            for file in files {
                guard let programName = workerProgramName(pidFile: file) else { continue }
                group.addTask {
                    await EmbeddedServers.stopLeftover(pidFile: file, programName: programName, signal: SIGTERM, logger: logger)
                }
            }
        }
        for file in files { try? FileManager.default.removeItem(atPath: file) }
    }

    /// The program name (`comm`) of the live `gantry worker` the pid file names, or nil when it names none or us:
    /// a pid file can outlive a reboot, and its number may now belong to anything.
    private static func workerProgramName(pidFile: String) -> String? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmed), pid > 0, pid != getpid(),
              let arguments = ProcessTable.arguments(pid), arguments.count > 1,
              arguments[1] == "worker" || arguments[1] == "api" || arguments[1] == "coordinator"
        else { return nil }
        return ProcessTable.commandName(pid)
    }
}
