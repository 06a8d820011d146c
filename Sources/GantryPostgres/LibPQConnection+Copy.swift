import CLibPQ
import FoundationEssentials
import Glibc

extension LibPQConnection {
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
}
