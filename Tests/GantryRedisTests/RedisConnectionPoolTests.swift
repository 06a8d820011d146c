import GantryRedis
import Testing

@Suite(.enabled(if: TestRedis.isEnabled, "needs redis-server or GANTRY_TEST_REDIS_URL"))
struct RedisConnectionPoolTests {
    @Test func fiftyConcurrentTasksOverAPoolOfFourAllSucceed() async throws {
        let pool = RedisConnectionPool(configuration: try await TestRedis.configuration(), size: 4)
        let prefix = TestRedis.uniquePrefix()
        let counter = RedisArgument(prefix + "counter")
        let clientIDs = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<50 {
                group.addTask {
                    try await pool.withConnection { connection in
                        _ = try await connection.send("INCR", counter)
                        _ = try await connection.send("SET", RedisArgument(prefix + "k\(index)"), RedisArgument(index))
                        return try await connection.send("CLIENT", "ID").int ?? -1
                    }
                }
            }
            var ids: Set<Int> = []
            for try await id in group { ids.insert(id) }
            return ids
        }
        #expect(clientIDs.count <= 4)
        #expect(!clientIDs.contains(-1))
        #expect(try await pool.send(["GET", counter]).int == 50)
        let script = RedisScript("return redis.call('GET', KEYS[1])")
        #expect(try await pool.run(script, keys: [counter], arguments: []).int == 50)
        try await pool.withConnection { try await TestRedis.deleteKeys(prefix: prefix, on: $0) }
        await pool.close()
        await #expect(throws: RedisError.self) { try await pool.send(["PING"]) }
    }
}
