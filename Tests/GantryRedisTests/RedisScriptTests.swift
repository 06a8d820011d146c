import Foundation
import GantryRedis
import Testing

/// Serialized: SCRIPT FLUSH empties the whole server's cache, which would race the other tests' checks.
@Suite(.serialized, .enabled(if: TestRedis.isEnabled, "needs redis-server or GANTRY_TEST_REDIS_URL"))
struct RedisScriptTests {
    /// A script unique to each test, so one test's SCRIPT FLUSH cannot make another's check vacuous.
    private func echoScript() -> RedisScript {
        RedisScript("-- \(UUID().uuidString)\nreturn {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}")
    }

    @Test func localShaEqualsScriptLoad() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let script = echoScript()
        let loaded = try await connection.send("SCRIPT", "LOAD", RedisArgument(script.source))
        #expect(loaded.string == script.sha1)
    }

    @Test func scriptRunsAfterScriptFlushThroughNoScriptFallback() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let script = echoScript()
        let key = RedisArgument(TestRedis.uniquePrefix() + "n")
        let first = try await connection.run(script, keys: [key], arguments: ["a"])
        #expect(first == .array([.bulkString(key.bytes), .bulkString(Array("a".utf8)), .integer(1)]))
        #expect(try await connection.send("SCRIPT", "EXISTS", RedisArgument(script.sha1)) == .array([.integer(1)]))

        _ = try await connection.send("SCRIPT", "FLUSH")
        let second = try await connection.run(script, keys: [key], arguments: ["b"])
        #expect(second.array?.last == .integer(2))
    }

    @Test func scriptPipelineLoadsMissingScriptsOnceAndKeepsOrder() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let counter = echoScript()
        let failing = RedisScript("-- \(UUID().uuidString)\nreturn redis.error_reply('BOOM nope')")
        let key = RedisArgument(TestRedis.uniquePrefix() + "n")
        _ = try await connection.send("SCRIPT", "FLUSH")
        let replies = try await connection.pipeline(scripts: [
            (counter, keys: [key], arguments: ["x"]),
            (failing, keys: [], arguments: []),
            (counter, keys: [key], arguments: ["y"]),
        ])
        #expect(replies.count == 3)
        #expect(replies[0].array?.last == .integer(1))
        #expect(replies[1] == .error("BOOM nope"))
        #expect(replies[2].array?.last == .integer(2))
    }

    @Test func luaErrorThrowsServerError() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let script = RedisScript("-- \(UUID().uuidString)\nreturn redis.call('INCR', KEYS[1])")
        let key = RedisArgument(TestRedis.uniquePrefix() + "text")
        _ = try await connection.send(["SET", key, "abc", "EX", "60"])
        do {
            _ = try await connection.run(script, keys: [key], arguments: [])
            Issue.record("INCR on text inside Lua should fail")
        } catch let error as RedisError {
            #expect(error.code == .serverError)
            #expect(error.command == "EVALSHA")
            #expect(error.message.contains("not an integer"))
        }
    }

    @Test func scriptThatDoesNotCompileThrowsServerError() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let script = RedisScript("-- \(UUID().uuidString)\nthis is not lua")
        await #expect {
            _ = try await connection.run(script, keys: [], arguments: [])
        } throws: { error in
            (error as? RedisError)?.code == .serverError
        }
    }
}
