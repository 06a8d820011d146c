import CLibPQ
import FoundationEssentials
import Glibc
import Logging

/// The one owner of a `PGconn*`. It lives on its connection's dedicated thread and is used only there, so it
/// needs no lock; every method blocks and is therefore `noasync`.
///
/// `release()` can run twice, runs from `deinit`, and `PQfinish` is called even when a connect failed.
///
/// One file per concern: connecting (`+Connect`), statements and their results (`+Statements`,
/// `+Results`, `+Binds`), `COPY` (`+Copy`), pipeline mode (`+Pipeline`) and notifications (`+Notifications`).
final class LibPQConnection {
    /// How a connection stands after a job: the pool keeps only `.idle` ones.
    enum Health: Sendable {
        case idle
        case inTransaction
        case broken
    }

    /// The session; nil before the first connect and after `release()`. Only this type's extensions (one file
    /// per concern) touch it.
    var pointer: OpaquePointer?
    let configuration: PostgresConfiguration
    let logger: Logger
    let cancelSlot: CancelSlot
    /// Channels this session listens on, restored after a reconnect.
    var listenedChannels: Set<String> = []

    init(configuration: PostgresConfiguration, logger: Logger, cancelSlot: CancelSlot) {
        self.configuration = configuration
        self.logger = logger
        self.cancelSlot = cancelSlot
    }

    deinit {
        release()
    }

    func release() {
        cancelSlot.replace(nil)
        if let pointer {
            PQfinish(pointer)
            self.pointer = nil
        }
    }

    var isConnected: Bool {
        guard let pointer else { return false }
        return PQstatus(pointer) == CONNECTION_OK
    }

    var health: Health {
        guard let pointer, PQstatus(pointer) == CONNECTION_OK else { return .broken }
        switch PQtransactionStatus(pointer) {
        case PQTRANS_IDLE: return .idle
        case PQTRANS_INTRANS, PQTRANS_INERROR: return .inTransaction
        default: return .broken
        }
    }

    /// The socket to poll for notifications, or -1.
    var socket: Int32 {
        guard let pointer, PQstatus(pointer) == CONNECTION_OK else { return -1 }
        return PQsocket(pointer)
    }
}
