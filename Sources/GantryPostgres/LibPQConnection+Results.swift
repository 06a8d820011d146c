import CLibPQ
import FoundationEssentials
import Glibc

extension LibPQConnection {
    func consume(_ result: OpaquePointer?, query: String) throws(PostgresError) -> PostgresResult {
        guard let result else { throw lostConnection(query: query) }
        defer { PQclear(result) }
        return try copyResult(result, query: query)
    }

    /// Copies a `PGresult` into Swift values; the caller clears it.
    func copyResult(_ result: OpaquePointer, query: String) throws(PostgresError) -> PostgresResult {
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

    func serverError(_ result: OpaquePointer, query: String) -> PostgresError {
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

    func lostConnection(query: String) -> PostgresError {
        let message = pointer.map { String(cString: PQerrorMessage($0)).trimmed } ?? ""
        return PostgresError(
            code: isConnected ? .server : .connectionClosed,
            message: message.isEmpty ? "the connection to the server was lost" : message, query: query)
    }
}
