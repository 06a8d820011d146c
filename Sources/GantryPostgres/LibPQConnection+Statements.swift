import CLibPQ
import FoundationEssentials
import Glibc

extension LibPQConnection {
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
}
