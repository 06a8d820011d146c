import GantryLocalServers
import Glibc
import Logging
import ServiceLifecycle
import Synchronization

/// A server of GantryLocalServers as a service of `gantry dev`'s group: launched when the group runs, asked to
/// stop (its clean, quick shutdown signal) on graceful shutdown, killed when even that takes too long. Exiting
/// on its own is an error, which takes the whole group down.
struct EmbeddedServer: Service {
    let server: any LocalServer
    let logger: Logger

    func run() async throws {
        do {
            try server.launch()
        } catch let error as LocalServerError {
            throw DevError(error, hint: DevError.ownServersHint)
        }
        guard let process = server.process else { return }
        logger.debug("started \(server.name)", metadata: ["pid": "\(process.pid)"])
        let stopping = Mutex(false)
        let server = self.server
        let status = await withGracefulShutdownHandler {
            await process.exited()
        } onGracefulShutdown: {
            stopping.withLock { $0 = true }
            process.signal(server.stopSignal)
        }
        guard let status else {
            // Cancelled: graceful shutdown took too long. The stop signal again, then SIGKILL.
            process.stop(with: server.stopSignal, grace: .seconds(2))
            return
        }
        if stopping.withLock({ $0 }) {
            logger.info("\(server.name) stopped")
            return
        }
        throw DevError(.exitedUnexpectedly, "\(server.name) exited unexpectedly (\(status)); "
            + "its last output (\(server.logFile)):\n" + server.logTail())
    }
}
