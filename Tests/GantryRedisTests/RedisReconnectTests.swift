import GantryRedis
import Testing

@Suite(.enabled(if: TestRedis.canSpawn, "needs redis-server"))
struct RedisReconnectTests {
    @Test func redisRestartMakesTheNextCallThrowAndALaterCallReconnects() async throws {
        let server = try await RedisServerProcess.start()
        let connection = try await RedisConnection.connect(configuration: server.configuration)
        defer { connection.close() }
        _ = try await connection.send("SET", "before", "1")

        try await server.stop()
        do {
            _ = try await connection.send("GET", "before")
            Issue.record("a call to a dead server should throw")
        } catch let error as RedisError {
            // Not retried: the command may not be idempotent.
            #expect(error.code == .connectionClosed || error.code == .connectionFailed)
        }

        let restarted = try await server.restarted()
        defer { Task { try? await restarted.stop() } }
        #expect(try await connection.send("PING") == .simpleString("PONG"))
        // A fresh server without persistence: the key is gone, proving it is a new session.
        #expect(try await connection.send("GET", "before").isNull)
    }

    @Test func callWhileServerIsDownFailsToConnectWithoutHanging() async throws {
        let server = try await RedisServerProcess.start()
        let connection = try await RedisConnection.connect(configuration: server.configuration)
        defer { connection.close() }
        try await server.stop()
        await #expect(throws: RedisError.self) { try await connection.send("PING") }
        await #expect {
            _ = try await connection.send("PING")
        } throws: { error in
            (error as? RedisError)?.code == .connectionFailed
        }
    }
}

@Suite(.enabled(if: TestRedis.canSpawn, "needs redis-server"))
struct RedisAuthenticationTests {
    @Test func wrongPasswordFailsWithAuthenticationFailedAndNeverPrintsThePassword() async throws {
        let server = try await RedisServerProcess.start(extraArguments: ["--requirepass", "secret-pw-123"])
        defer { Task { try? await server.stop() } }
        var configuration = server.configuration
        configuration.password = "wrong-pw-456"
        do {
            let connection = try await RedisConnection.connect(configuration: configuration)
            connection.close()
            Issue.record("a wrong password should be refused")
        } catch let error as RedisError {
            #expect(error.code == .authenticationFailed)
            let printed = [error.description, String(describing: error), error.message, "\(error)"]
            for text in printed {
                #expect(!text.contains("wrong-pw-456"))
                #expect(!text.contains("secret-pw-123"))
            }
            #expect(error.message.hasPrefix("authentication failed for redis://:***@127.0.0.1:\(server.port)/0: WRONGPASS"))
        }
        #expect(!configuration.description.contains("wrong-pw-456"))
        #expect(configuration.description == "redis://:***@127.0.0.1:\(server.port)/0")

        configuration.password = "secret-pw-123"
        let connection = try await RedisConnection.connect(configuration: configuration)
        defer { connection.close() }
        #expect(try await connection.send("PING") == .simpleString("PONG"))
    }

    @Test func userAndPasswordAuthenticateThroughACL() async throws {
        let server = try await RedisServerProcess.start(extraArguments: ["--user", "worker", "on", ">worker-pw", "~*", "&*", "+@all"])
        defer { Task { try? await server.stop() } }
        var configuration = server.configuration
        configuration.username = "worker"
        configuration.password = "worker-pw"
        let connection = try await RedisConnection.connect(configuration: configuration)
        defer { connection.close() }
        #expect(try await connection.send("ACL", "WHOAMI") == .bulkString(Array("worker".utf8)))
    }
}
