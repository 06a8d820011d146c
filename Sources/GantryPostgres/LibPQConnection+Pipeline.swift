import CLibPQ
import FoundationEssentials
import Glibc

extension LibPQConnection {
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

    func flushPipeline() -> Bool {
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
    func abandonPipeline(query: String?) throws(PostgresError) -> Never {
        let message = String(cString: PQerrorMessage(pointer)).trimmed
        release()
        throw PostgresError(
            code: .connectionClosed, message: "pipeline failed: \(message.isEmpty ? "connection lost" : message)",
            query: query)
    }
}
