import Logging
import ServiceLifecycle
import Subprocess
import Synchronization

#if canImport(SystemPackage)
import SystemPackage
#elseif canImport(System)
import System
#endif

/// One server program run as a child of `gantry dev` for as long as its service runs: started with
/// swift-subprocess in a session of its own (so a terminal's Ctrl-C reaches only gantry, which then stops it in
/// order), its output appended to a log file, asked to stop with `stopSignal` on graceful shutdown.
struct SupervisedProcess: Sendable {
    /// For messages, e.g. "redis-server".
    let name: String
    let executable: String
    let arguments: [String]
    let workingDirectory: String
    /// Run as this user (root starting PostgreSQL, which refuses root), or as ourselves when nil.
    let user: ServerUser?
    let logFile: String
    /// The signal that makes the program shut down cleanly and quickly.
    let stopSignal: Signal

    /// Runs the program until it exits. Returns when it exited because graceful shutdown asked it to; throws when
    /// it exited on its own or could not be started.
    func run(logger: Logger) async throws {
        var options = PlatformOptions()
        options.createSession = true
        if let user {
            options.userID = user.uid
            options.groupID = user.gid
            options.supplementaryGroups = []
        }
        // Only on cancellation (graceful shutdown took too long): the stop signal again, then SIGKILL.
        options.teardownSequence = [.send(signal: stopSignal, allowedDurationToNextStep: .seconds(2))]

        let stopping = StopRequest()
        let stopSignal = self.stopSignal
        let logFile = self.logFile
        let result = try await Subprocess.run(
            .path(FilePath(executable)),
            arguments: Arguments(arguments),
            environment: .inherit,
            workingDirectory: FilePath(workingDirectory),
            platformOptions: options,
            input: .none,
            output: .sequence,
            error: .combinedWithOutput
        ) { execution in
            logger.debug("started \(name)", metadata: ["pid": "\(execution.processIdentifier.value)"])
            let log = ProcessLog(path: logFile)
            try await withGracefulShutdownHandler {
                for try await line in execution.standardOutput.strings() {
                    log.append(line)
                }
            } onGracefulShutdown: {
                stopping.request()
                try? execution.send(signal: stopSignal)
            }
            return log.recentLines
        }
        if stopping.isRequested {
            logger.info("\(name) stopped")
            return
        }
        throw DevError(.exitedUnexpectedly, "\(name) exited unexpectedly (\(result.terminationStatus)); "
            + "its last output (\(logFile)):\n" + result.closureResult.joined(separator: "\n"))
    }
}

/// Set once graceful shutdown asked the child to stop, so its exit is expected.
final class StopRequest: Sendable {
    private let requested = Mutex(false)
    func request() { requested.withLock { $0 = true } }
    var isRequested: Bool { requested.withLock { $0 } }
}
