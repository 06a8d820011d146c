import Foundation
import GantryPostgres
import GantryTesting
import Testing

/// Waits for the first element of `stream`, or gives up after `timeout` (no sleeping in the happy path).
func firstElement<T: Sendable>(of stream: AsyncStream<T>, timeout: Duration = .seconds(20)) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// Waits (bounded, by `eventually`) until backend `pid` is active on a statement containing `fragment`; false
/// when it never was.
func waitUntilServerRuns(_ fragment: String, pid: Int32, monitor: PostgresConnection) async throws -> Bool {
    do {
        try await eventually("backend \(pid) runs \(fragment)", timeout: .seconds(20)) {
            let row = try await monitor.query("SELECT state, query FROM pg_stat_activity WHERE pid = \(pid)").first
            return try row?.decode("state", as: String?.self) == "active"
                && row?.decode("query", as: String?.self)?.contains(fragment) == true
        }
        return true
    } catch is WaitTimeout {
        return false
    }
}

/// Starts `SELECT pg_sleep(30)` on `connection` in a task of its own, and returns once `monitor` sees the
/// server running it: what the test does next meets a statement in progress on the server.
func startServerSleep(
    on connection: PostgresConnection, monitor: PostgresConnection
) async throws -> Task<PostgresResult, any Error> {
    let pid = try #require(try await connection.query("SELECT pg_backend_pid()").first?.decode(0, as: Int32.self))
    let sleeper = Task { try await connection.query("SELECT pg_sleep(30)") }
    #expect(try await waitUntilServerRuns("pg_sleep", pid: pid, monitor: monitor))
    return sleeper
}

func postgresErrorCode(_ error: any Error) -> PostgresError.Code? {
    (error as? PostgresError)?.code
}

/// Expects `body` to throw a `PostgresError` with `code`.
func expectPostgresError<T>(
    _ code: PostgresError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async {
    await #expect(sourceLocation: sourceLocation) {
        _ = try await body()
    } throws: { error in
        postgresErrorCode(error) == code
    }
}

extension PostgresConnection {
    /// The number of rows in `table` (one identifier, quoted).
    func rowCount(of table: String) async throws -> Int? {
        try await query("SELECT count(*) FROM \(identifier: table)").first?.decode(0, as: Int.self)
    }
}
