import CLibPQ
import FoundationEssentials
import Glibc

extension LibPQConnection {
    @available(*, noasync)
    func listen(_ channel: String) throws(PostgresError) {
        _ = try execute(PostgresQuery(unsafeSQL: "LISTEN " + PostgresQuery.quoteIdentifier(channel)))
        listenedChannels.insert(channel)
    }

    @available(*, noasync)
    func unlisten(_ channel: String) throws(PostgresError) {
        listenedChannels.remove(channel)
        _ = try execute(PostgresQuery(unsafeSQL: "UNLISTEN " + PostgresQuery.quoteIdentifier(channel)))
    }


    /// Reads whatever the server has sent; false when the connection is gone.
    @available(*, noasync)
    func consumeInput() -> Bool {
        guard let pointer else { return false }
        return PQconsumeInput(pointer) == 1
    }

    func drainNotifications() -> [PostgresNotification] {
        guard let pointer else { return [] }
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(pointer) {
            defer { PQfreemem(notify) }
            notifications.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    processID: notify.pointee.be_pid))
        }
        return notifications
    }
}
