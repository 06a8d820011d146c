import GantryRedis
import Testing

@Suite struct RedisConfigurationTests {
    @Test func urlWithHostOnlyTakesDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://cache.internal")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6379)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(configuration.database == 0)
        #expect(configuration.description == "redis://cache.internal:6379/0")
    }

    @Test func urlWithPasswordOnlyHasNoUser() throws {
        let configuration = try RedisConfiguration(url: "redis://:s3cret@127.0.0.1:6380")
        #expect(configuration.username == nil)
        #expect(configuration.password == "s3cret")
        #expect(configuration.port == 6380)
        #expect(configuration.description == "redis://:***@127.0.0.1:6380/0")
        #expect(!String(describing: configuration).contains("s3cret"))
        #expect(String(reflecting: configuration).contains("s3cret"))
    }

    @Test func urlWithUserPasswordAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://worker:p%40ss@redis:7000/3")
        #expect(configuration.username == "worker")
        #expect(configuration.password == "p@ss")
        #expect(configuration.host == "redis")
        #expect(configuration.port == 7000)
        #expect(configuration.database == 3)
        #expect(configuration.description == "redis://worker:***@redis:7000/3")
    }

    @Test func urlWithDatabaseAndNoPort() throws {
        let configuration = try RedisConfiguration(url: "redis://localhost/12")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 12)
    }

    @Test(arguments: [
        "http://localhost:6379", "rediss://localhost", "localhost:6379", "redis://", "redis://host/db1",
        "redis://host:99999", "redis://host/-1", "",
    ])
    func badUrlIsInvalidConfiguration(url: String) {
        #expect {
            _ = try RedisConfiguration(url: url)
        } throws: { error in
            (error as? RedisError)?.code == .invalidConfiguration
        }
    }

    @Test func badUrlErrorDoesNotRepeatThePassword() {
        do {
            _ = try RedisConfiguration(url: "http://:hunter2@host")
            Issue.record("expected an error")
        } catch {
            #expect(!String(describing: error).contains("hunter2"))
        }
    }
}

@Suite struct RESPValueTests {
    @Test func accessorsConvertCompatibleKinds() {
        #expect(RESPValue.bulkString(Array("42".utf8)).int == 42)
        #expect(RESPValue.bulkString(Array("-7".utf8)).int == -7)
        #expect(RESPValue.bulkString(Array("4x".utf8)).int == nil)
        #expect(RESPValue.integer(5).int == 5)
        #expect(RESPValue.simpleString("OK").string == "OK")
        #expect(RESPValue.bulkString([0xFF]).string == nil)
        #expect(RESPValue.bulkString([0xFF]).bytes == [0xFF])
        #expect(RESPValue.null.isNull)
        #expect(RESPValue.array([.integer(1)]).array == [.integer(1)])
        #expect(RESPValue.integer(1).array == nil)
    }

    @Test func argumentsEncodeNumbersInDecimal() {
        #expect(RedisArgument(12).bytes == Array("12".utf8))
        #expect(RedisArgument(1.5).bytes == Array("1.5".utf8))
        let literal: RedisArgument = "GET"
        #expect(literal.bytes == Array("GET".utf8))
    }
}
