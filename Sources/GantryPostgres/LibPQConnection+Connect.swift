import CLibPQ
import FoundationEssentials
import Glibc
import Logging

extension LibPQConnection {
    /// Connects when there is no healthy `PGconn`: the first time, and again after the server dropped us.
    @available(*, noasync)
    func ensureConnected() throws(PostgresError) {
        if isConnected { return }
        if pointer != nil {
            logger.notice("reconnecting to PostgreSQL", metadata: ["server": "\(configuration)"])
            release()
        }
        try connect()
    }

    @available(*, noasync)
    func connect() throws(PostgresError) {
        let parameters = configuration.libpqParameters
        // strdup'd copies stay valid for the whole call; freed right after.
        let keywords = parameters.map { strdup($0.0) } + [nil]
        let values = parameters.map { strdup($0.1) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let connection = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordPointers in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valuePointers in
                PQconnectdbParams(keywordPointers.baseAddress, valuePointers.baseAddress, 0)
            }
        }
        guard let connection else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let error = connectError(connection)
            PQfinish(connection)
            throw error
        }
        pointer = connection
        PQsetNoticeReceiver(connection, noticeReceiver, Unmanaged.passUnretained(self).toOpaque())
        cancelSlot.replace(PQgetCancel(connection))
        logger.debug("connected to PostgreSQL", metadata: ["server": "\(configuration)"])
        for channel in listenedChannels {
            do {
                _ = try execute(PostgresQuery(unsafeSQL: "LISTEN " + PostgresQuery.quoteIdentifier(channel)))
            } catch {
                logger.error("could not LISTEN again after reconnecting", metadata: ["channel": "\(channel)", "error": "\(error)"])
            }
        }
    }

    func connectError(_ connection: OpaquePointer) -> PostgresError {
        var text = String(cString: PQerrorMessage(connection)).trimmed
        // libpq does not echo passwords, but a password typed into another field could still appear.
        if let password = configuration.password, !password.isEmpty {
            text = text.replacing(password, with: "***")
        }
        let lowered = text.lowercased()
        let code: PostgresError.Code
        if PQconnectionNeedsPassword(connection) == 1 || lowered.contains("password authentication failed")
            || lowered.contains("no password supplied") || lowered.contains("authentication failed")
        {
            code = .authenticationFailed
        } else if lowered.contains("timeout expired") {
            code = .timeout
        } else {
            code = .connectionFailed
        }
        let summary =
            code == .authenticationFailed
            ? "authentication failed for user '\(configuration.user)' at \(configuration)"
            : "cannot connect to \(configuration)"
        return PostgresError(code: code, message: "\(summary): \(text)")
    }
}

/// Routes server notices (warnings such as "there is no transaction in progress") to the logger instead of
/// libpq's default of printing them to stderr.
private let noticeReceiver: PQnoticeReceiver = { context, result in
    guard let context, let result else { return }
    let owner = Unmanaged<LibPQConnection>.fromOpaque(context).takeUnretainedValue()
    let message = String(cString: PQresultErrorMessage(result)).trimmed
    owner.logger.debug("PostgreSQL notice", metadata: ["notice": "\(message)"])
}
