import ArgumentParser
import GantryPostgres
import GantryRedis

// Every role checks its servers before it takes any work, so a bad URL or an unmigrated database fails at start
// with one clear message instead of at the first job, request or timed run.

extension RedisConnectionPool {
    /// Throws a usage error naming the server (its password redacted) unless it answers a PING.
    func checkReachable() async throws {
        do {
            _ = try await send(["PING"])
        } catch {
            throw ValidationError("cannot reach Redis at \(configuration): \(error)")
        }
    }
}

extension PostgresConnectionPool {
    /// Throws a usage error with a hint to migrate unless the database answers and has `table`.
    func checkSchema(has table: String) async throws {
        do {
            try await query(PostgresQuery(unsafeSQL: "SELECT 1 FROM \(table) LIMIT 0"))
        } catch {
            throw ValidationError("cannot use PostgreSQL at \(configuration) (did you run `gantry migrate`?): \(error)")
        }
    }
}
