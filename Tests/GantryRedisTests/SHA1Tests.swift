@testable import GantryRedis
import Testing

@Suite struct SHA1Tests {
    @Test func knownVectorsMatchFIPS180() {
        #expect(SHA1.hexDigest(of: Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hexDigest(of: []) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        // 56 bytes: the padding spills into a second block.
        #expect(
            SHA1.hexDigest(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(
            SHA1.hexDigest(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// The SHA the client sends with EVALSHA must be the one Redis computes, or every script would take
    /// the NOSCRIPT fallback: Redis's own `SCRIPT LOAD` answer is the reference.
    @Test(.enabled(if: TestRedis.isEnabled, "needs redis-server or GANTRY_TEST_REDIS_URL"))
    func scriptShaMatchesTheOneRedisComputes() async throws {
        let connection = try await TestRedis.connect()
        defer { connection.close() }
        for source in ["return 1", "return redis.call('GET', KEYS[1])", "-- é\nreturn ARGV[1]"] {
            let loaded = try await connection.send("SCRIPT", "LOAD", RedisArgument(source))
            #expect(RedisScript(source).sha1 == loaded.string, "script \(source.debugDescription)")
        }
    }
}
