import GantryRedis
import GantryTesting
import Testing

@Suite(.enabled(if: TestRedis.isEnabled, "needs redis-server or GANTRY_TEST_REDIS_URL"))
struct RedisConnectionTests {
    @Test func bytesWithNulAndFFRoundTripThroughSetAndGet() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let value: [UInt8] = [0x00, 0x41, 0x00, 0x42, 0xFF]
        let prefix = TestRedis.uniquePrefix()
        let key = RedisArgument(Array(prefix.utf8) + [0x00, 0xFF])
        #expect(try await connection.send("SET", key, RedisArgument(value)) == .simpleString("OK"))
        #expect(try await connection.send("GET", key) == .bulkString(value))
        #expect(try await connection.send("STRLEN", key) == .integer(5))
        #expect(try await connection.send("GET", RedisArgument(prefix + "missing")).isNull)
        try await TestRedis.deleteKeys(prefix: prefix, on: connection)
        #expect(try await connection.send("EXISTS", key) == .integer(0))
    }

    @Test func pipelineOfTenThousandCommandsReturnsRepliesInOrder() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let prefix = TestRedis.uniquePrefix()
        let counter = RedisArgument(prefix + "counter")
        var commands: [[RedisArgument]] = []
        for index in 0..<10_000 {
            if index % 2 == 0 {
                commands.append(["INCR", counter])
            } else {
                commands.append(["SET", RedisArgument(prefix + "k\(index)"), RedisArgument(index)])
            }
        }
        let replies = try await connection.pipeline(commands)
        #expect(replies.count == 10_000)
        var expected = 0
        for (index, reply) in replies.enumerated() {
            if index % 2 == 0 {
                expected += 1
                #expect(reply == .integer(Int64(expected)))
            } else {
                #expect(reply == .simpleString("OK"))
            }
        }
        let readBack = try await connection.pipeline((0..<10).map { ["GET", RedisArgument(prefix + "k\($0 * 2 + 1)")] })
        #expect(readBack.map(\.int) == (0..<10).map { $0 * 2 + 1 })
        try await TestRedis.deleteKeys(prefix: prefix, on: connection)
    }

    @Test func serverErrorReplyThrowsServerErrorWithItsMessage() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let key = RedisArgument(TestRedis.uniquePrefix() + "text")
        _ = try await connection.send(["SET", key, "not a number", "EX", "60"])
        do {
            _ = try await connection.send("INCR", key)
            Issue.record("INCR on text should fail")
        } catch let error as RedisError {
            #expect(error.code == .serverError)
            #expect(error.message.contains("not an integer"))
            #expect(error.command == "INCR")
        }
        // The connection is still usable: a server error is not an I/O error.
        #expect(try await connection.send("PING") == .simpleString("PONG"))
    }

    @Test func serverErrorInPipelineComesBackInPlace() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let prefix = TestRedis.uniquePrefix()
        let replies = try await connection.pipeline([
            ["SET", RedisArgument(prefix + "text"), "abc"],
            ["INCR", RedisArgument(prefix + "text")],
            ["INCR", RedisArgument(prefix + "number")],
        ])
        #expect(replies.count == 3)
        #expect(replies[0] == .simpleString("OK"))
        guard case .error(let message) = replies[1] else {
            Issue.record("expected an error reply, got \(replies[1])")
            return
        }
        #expect(message.contains("not an integer"))
        #expect(replies[2] == .integer(1))
        try await TestRedis.deleteKeys(prefix: prefix, on: connection)
    }

    @Test func cancellingATaskBlockedInBLPOPThrowsCancelledAndTheConnectionWorksAfterwards() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let observer = try await TestRedis.connect()
        defer { observer.close() }
        let list = RedisArgument(TestRedis.uniquePrefix() + "list")
        let name = "blpop-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await connection.send("CLIENT", "SETNAME", RedisArgument(name))

        let blocked = Task { try await connection.send(["BLPOP", list, "60"], timeout: .seconds(65)) }
        try await eventually("the server reports the client blocked in BLPOP") {
            let clients = try await observer.send("CLIENT", "LIST").string ?? ""
            return clients.split(separator: "\n").contains { $0.contains("name=\(name) ") && $0.contains("cmd=blpop") }
        }
        blocked.cancel()
        let result = await blocked.result
        #expect(throws: RedisError.self) { try result.get() }
        if case .failure(let error as RedisError) = result {
            #expect(error.code == .cancelled)
            #expect(error.command == "BLPOP")
        }
        // The next call reconnects, and the abandoned BLPOP does not swallow a later push.
        #expect(try await connection.send("PING") == .simpleString("PONG"))
        _ = try await observer.send("RPUSH", list, "after")
        #expect(try await connection.send("LPOP", list) == .bulkString(Array("after".utf8)))
    }

    @Test func cancelledTaskFailsBeforeSending() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        let key = RedisArgument(TestRedis.uniquePrefix() + "never")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await connection.send("SET", key, "1")
        }
        let result = await task.result
        if case .failure(let error as RedisError) = result {
            #expect(error.code == .cancelled)
        } else {
            Issue.record("expected .cancelled, got \(result)")
        }
        #expect(try await connection.send("EXISTS", key) == .integer(0))
    }

    @Test func readLongerThanCommandTimeoutThrowsTimeoutAndTheNextCallReconnects() async throws {
        var configuration = try await TestRedis.configuration()
        configuration.commandTimeout = .milliseconds(200)
        let connection = try await RedisConnection.connect(configuration: configuration)
        defer { connection.close() }
        let list = RedisArgument(TestRedis.uniquePrefix() + "empty")
        do {
            _ = try await connection.send("BLPOP", list, "5")
            Issue.record("BLPOP should outlast the 200 ms read timeout")
        } catch let error as RedisError {
            #expect(error.code == .timeout)
        }
        #expect(try await connection.send("PING") == .simpleString("PONG"))
        // With its own longer timeout, a blocking command just returns null.
        #expect(try await connection.send(["BLPOP", list, "1"], timeout: .seconds(3)).isNull)
    }

    @Test func closedConnectionRejectsCalls() async throws {
        let connection = try await TestRedis.connect()
        connection.close()
        connection.close()
        do {
            _ = try await connection.send("PING")
            Issue.record("a closed connection should not answer")
        } catch let error as RedisError {
            #expect(error.code == .connectionClosed)
        }
    }

    @Test func emptyCommandIsRejected() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        await #expect(throws: RedisError.self) { try await connection.send([RedisArgument]()) }
        #expect(try await connection.pipeline([]).isEmpty)
    }

    @Test func selectsTheConfiguredDatabase() async throws {
        var configuration = try await TestRedis.configuration()
        configuration.database = 5
        let connection = try await RedisConnection.connect(configuration: configuration)
        defer { connection.close() }
        let info = try await connection.send("CLIENT", "INFO").string ?? ""
        #expect(info.contains("db=5"))
    }
}
