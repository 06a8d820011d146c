import CLibPQ
import FoundationEssentials
import Glibc
import Logging

/// The one owner of a `PGconn*`. It lives on its connection's dedicated thread and is used only there, so it
/// needs no lock; every method blocks and is therefore `noasync`.
///
/// `release()` can run twice, runs from `deinit`, and `PQfinish` is called even when a connect failed.
final class LibPQConnection {
    /// How a connection stands after a job: the pool keeps only `.idle` ones.
    enum Health: Sendable {
        case idle
        case inTransaction
        case broken
    }

    private var pointer: OpaquePointer?
    private let configuration: PostgresConfiguration
    let logger: Logger
    private let cancelSlot: CancelSlot
    /// Channels this session listens on, restored after a reconnect.
    private(set) var listenedChannels: Set<String> = []

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

    // MARK: Connecting

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
    private func connect() throws(PostgresError) {
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

    private func connectError(_ connection: OpaquePointer) -> PostgresError {
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

    // MARK: Statements

    /// Runs one statement with `PQexecParams` (text results).
    @available(*, noasync)
    func execute(_ query: PostgresQuery) throws(PostgresError) -> PostgresResult {
        try ensureConnected()
        let result = try withBinds(query.binds, query: query.sql) { count, types, values, lengths, formats in
            PQexecParams(pointer, query.sql, count, types, values, lengths, formats, 0)
        }
        return try consume(result, query: query.sql)
    }

    /// Runs several `;`-separated statements without parameters (`PQexec`, simple protocol).
    @available(*, noasync)
    func executeScript(_ sql: String) throws(PostgresError) {
        try ensureConnected()
        _ = try consume(PQexec(pointer, sql), query: sql)
    }

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

    // MARK: COPY

    /// Runs `COPY ... FROM STDIN`, sends `data` (already in COPY text format) and returns the rows copied.
    @available(*, noasync)
    func copyIn(_ query: PostgresQuery, data: [UInt8]) throws(PostgresError) -> Int {
        try ensureConnected()
        let start = try withBinds(query.binds, query: query.sql) { count, types, values, lengths, formats in
            PQexecParams(pointer, query.sql, count, types, values, lengths, formats, 0)
        }
        guard let start else { throw lostConnection(query: query.sql) }
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            if status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
                // Draining an unwanted COPY OUT is not worth the code; a fresh session is simpler.
                PQclear(start)
                release()
                throw PostgresError(
                    code: .copyFailed, message: "the statement is not COPY ... FROM STDIN", query: query.sql)
            }
            _ = try consume(start, query: query.sql)
            throw PostgresError(
                code: .copyFailed, message: "the statement is not COPY ... FROM STDIN", query: query.sql)
        }
        PQclear(start)

        let chunkSize = 256 * 1024
        var sendError: String?
        data.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let length = min(chunkSize, buffer.count - offset)
                let sent = UnsafeRawPointer(base + offset).withMemoryRebound(to: CChar.self, capacity: length) {
                    PQputCopyData(pointer, $0, Int32(length))
                }
                if sent != 1 {
                    sendError = String(cString: PQerrorMessage(pointer))
                    return
                }
                offset += length
            }
        }
        if PQputCopyEnd(pointer, nil) != 1 {
            sendError = sendError ?? String(cString: PQerrorMessage(pointer))
        }

        var copied = 0
        var failure: PostgresError?
        while let result = PQgetResult(pointer) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK:
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            default:
                if failure == nil {
                    var error = serverError(result, query: query.sql)
                    if error.code == .server { error.code = .copyFailed }
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        if let sendError, !isConnected {
            throw PostgresError(code: .connectionClosed, message: sendError.trimmed, query: query.sql)
        }
        return copied
    }

    // MARK: Pipeline

    /// Sends every query in pipeline mode followed by one Sync, then reads every result.
    ///
    /// One Sync makes the batch one implicit transaction: if a statement fails, the earlier ones are rolled
    /// back, the later ones are skipped, and the first error is thrown.
    @available(*, noasync)
    func pipeline(_ queries: [PostgresQuery]) throws(PostgresError) -> [PostgresResult] {
        // Refuse bad binds before anything is sent, so a pipeline never stops half-way on the client.
        for query in queries {
            for (index, bind) in query.binds.enumerated() where bind.format == .text && bind.bytes?.contains(0) == true {
                throw Self.nulInText(parameter: index + 1, query: query.sql)
            }
        }
        try ensureConnected()
        guard PQenterPipelineMode(pointer) == 1 else {
            throw PostgresError(
                code: .server, message: "cannot enter pipeline mode: " + String(cString: PQerrorMessage(pointer)).trimmed)
        }
        // Non-blocking while sending, reading whenever the server pushes back, so a long pipeline cannot
        // deadlock with both sides' socket buffers full.
        PQsetnonblocking(pointer, 1)
        for query in queries {
            let sent = try withBinds(query.binds, query: query.sql) { count, types, values, lengths, formats in
                PQsendQueryParams(pointer, query.sql, count, types, values, lengths, formats, 0)
            }
            guard sent == 1, flushPipeline() else { try abandonPipeline(query: query.sql) }
        }
        guard PQpipelineSync(pointer) == 1, flushPipeline() else { try abandonPipeline(query: nil) }
        PQsetnonblocking(pointer, 0)

        var results: [PostgresResult] = []
        results.reserveCapacity(queries.count)
        var firstError: PostgresError?
        for query in queries {
            var produced = PostgresResult()
            var sawResult = false
            while let result = PQgetResult(pointer) {
                defer { PQclear(result) }
                sawResult = true
                let status = PQresultStatus(result)
                if status == PGRES_PIPELINE_ABORTED { continue }
                do {
                    produced = try copyResult(result, query: query.sql)
                } catch {
                    if firstError == nil { firstError = error }
                }
            }
            if !sawResult, !isConnected { try abandonPipeline(query: query.sql) }
            results.append(produced)
        }
        var synced = false
        for _ in 0..<3 where !synced {
            guard let result = PQgetResult(pointer) else { continue }
            synced = PQresultStatus(result) == PGRES_PIPELINE_SYNC
            PQclear(result)
        }
        guard synced, PQexitPipelineMode(pointer) == 1 else { try abandonPipeline(query: nil) }
        if let firstError { throw firstError }
        return results
    }

    private func flushPipeline() -> Bool {
        while true {
            switch PQflush(pointer) {
            case 0: return true
            case 1:
                var descriptor = pollfd(fd: PQsocket(pointer), events: Int16(POLLIN | POLLOUT), revents: 0)
                if poll(&descriptor, 1, -1) < 0, errno != EINTR { return false }
                if descriptor.revents & Int16(POLLIN) != 0, PQconsumeInput(pointer) != 1 { return false }
            default: return false
            }
        }
    }

    /// A pipeline that failed on the client side leaves the protocol in an unknown state: drop the session.
    private func abandonPipeline(query: String?) throws(PostgresError) -> Never {
        let message = String(cString: PQerrorMessage(pointer)).trimmed
        release()
        throw PostgresError(
            code: .connectionClosed, message: "pipeline failed: \(message.isEmpty ? "connection lost" : message)",
            query: query)
    }

    // MARK: Notifications

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

    // MARK: Results and errors

    private func consume(_ result: OpaquePointer?, query: String) throws(PostgresError) -> PostgresResult {
        guard let result else { throw lostConnection(query: query) }
        defer { PQclear(result) }
        return try copyResult(result, query: query)
    }

    /// Copies a `PGresult` into Swift values; the caller clears it.
    private func copyResult(_ result: OpaquePointer, query: String) throws(PostgresError) -> PostgresResult {
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            break
        case PGRES_EMPTY_QUERY:
            return PostgresResult()
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            // Only copyFrom speaks the COPY sub-protocol; end it by dropping the session.
            release()
            throw PostgresError(
                code: .server, message: "COPY statements must go through copyFrom(_:_:)", query: query)
        default:
            throw serverError(result, query: query)
        }
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var names: [String] = []
        var types: [PostgresDataType] = []
        names.reserveCapacity(columnCount)
        types.reserveCapacity(columnCount)
        for column in 0..<Int32(columnCount) {
            names.append(String(cString: PQfname(result, column)))
            types.append(PostgresDataType(PQftype(result, column)))
        }
        let columns = PostgresColumns(names: names, dataTypes: types)
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [[UInt8]?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let start = UnsafeRawPointer(PQgetvalue(result, row, column)!).assumingMemoryBound(to: UInt8.self)
                    values.append(Array(UnsafeBufferPointer(start: start, count: length)))
                }
            }
            rows.append(PostgresRow(columns: columns, values: values))
        }
        let tag = String(cString: PQcmdStatus(result))
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresResult(rows: rows, columns: names, affectedRows: affected, commandTag: tag)
    }

    private func serverError(_ result: OpaquePointer, query: String) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        var message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmed
        if message.isEmpty { message = String(cString: PQerrorMessage(pointer)).trimmed }
        let code: PostgresError.Code
        switch sqlState {
        case "57014":
            code = message.contains("statement timeout") ? .timeout : .cancelled
        case "57P01", "57P02", "57P03":
            code = .connectionClosed
        default:
            code = isConnected ? .server : .connectionClosed
        }
        return PostgresError(
            code: code, sqlState: sqlState, message: message.isEmpty ? "unknown error" : message,
            detail: field("D"), hint: field("H"), query: query)
    }

    private func lostConnection(query: String) -> PostgresError {
        let message = pointer.map { String(cString: PQerrorMessage($0)).trimmed } ?? ""
        return PostgresError(
            code: isConnected ? .server : .connectionClosed,
            message: message.isEmpty ? "the connection to the server was lost" : message, query: query)
    }

    /// Lays the binds out in one buffer and hands libpq parallel arrays of types, pointers, lengths and
    /// formats. Binary values are read by length, so any bytes survive; libpq reads text values up to a NUL
    /// (it ignores their lengths), so every value is NUL-terminated and a text value containing NUL is
    /// refused rather than silently cut short.
    private static func nulInText(parameter: Int, query: String) -> PostgresError {
        PostgresError(
            code: .server, sqlState: "22021",
            message: "text parameter $\(parameter) contains a NUL byte, which PostgreSQL text cannot hold", query: query)
    }

    private func withBinds<R>(
        _ binds: [PostgresBind], query: String,
        _ body: (
            Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
            UnsafePointer<Int32>?
        ) -> R
    ) throws(PostgresError) -> R {
        if binds.isEmpty { return body(0, nil, nil, nil, nil) }
        var storage: [UInt8] = []
        storage.reserveCapacity(binds.reduce(0) { $0 + ($1.bytes?.count ?? 0) + 1 })
        var offsets: [Int] = []
        for (index, bind) in binds.enumerated() {
            guard let bytes = bind.bytes else {
                offsets.append(-1)
                continue
            }
            if bind.format == .text, bytes.contains(0) { throw Self.nulInText(parameter: index + 1, query: query) }
            offsets.append(storage.count)
            storage.append(contentsOf: bytes)
            storage.append(0)
        }
        let types = binds.map { Oid($0.dataType.rawValue) }
        let lengths = binds.map { Int32($0.bytes?.count ?? 0) }
        let formats = binds.map { $0.format.rawValue }
        return storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = offsets.map { $0 < 0 ? nil : base + $0 }
            return body(Int32(binds.count), types, values, lengths, formats)
        }
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

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
