import GantryCoordinator
import GantryRedis
import GantryTesting
import Testing

/// Two electors on one real Redis: exactly one leads, the other takes over when the holder dies,
/// and every term's token is greater than the last.
@Suite("Leader election on Redis", .enabled(if: TestServers.isRedisAvailable))
struct LeaderElectorTests {
    @Test
    func exactlyOneOfTwoLeadsAndTheOtherTakesOverWhenTheHolderDies() async throws {
        let pool = try CoordinatorTestSupport.redisPool()
        let prefix = CoordinatorTestSupport.uniquePrefix()
        let locks = [
            SeverableLock(CoordinatorTestSupport.lock(pool, prefix: prefix)),
            SeverableLock(CoordinatorTestSupport.lock(pool, prefix: prefix)),
        ]
        let logs = [ChangeLog(), ChangeLog()]
        var tasks: [Task<Void, Never>] = []
        for i in 0..<2 {
            let elector = LeaderElector(
                coordinatorID: "c\(i)", lock: locks[i], configuration: CoordinatorTestSupport.fastElection,
                tick: .milliseconds(50), logger: CoordinatorTestSupport.logger)
            let log = logs[i]
            tasks.append(Task { await elector.run { log.record($0) } })
        }
        defer { for t in tasks { t.cancel() } }

        let first = try await eventually("one elector leads", read: { logs.map(\.leading) }, until: { $0.compactMap { $0 }.count >= 1 })
        #expect(first.compactMap { $0 }.count == 1, "both lead: \(first)")
        let leader = first[0] != nil ? 0 : 1
        let other = 1 - leader
        let firstToken = try #require(first[leader])
        // The lock names the holder and its token.
        let value = try await pool.send(["GET", RedisArgument("\(prefix):leader")]).string
        #expect(value == "c\(leader):\(firstToken)")

        // The holder dies: it can neither renew nor release. It stops leading by itself, and the
        // other takes over once the lock expires, with a greater token.
        locks[leader].sever()
        let secondToken = try await eventually(
            "the other elector leads", timeout: .seconds(15), read: { logs[other].leading }, until: { $0 != nil })
        #expect(try #require(secondToken) > firstToken)
        let deposed = try #require(logs[leader].all.last)
        let elected = try #require(logs[other].all.last)
        #expect(!deposed.elected && deposed.token == firstToken)
        // Never two leaders at once: the old term ended before the new one began.
        #expect(deposed.at < elected.at)

        // Cancelling the leader releases the lock at once.
        tasks[other].cancel()
        await tasks[other].value
        #expect(try await pool.send(["EXISTS", RedisArgument("\(prefix):leader")]).int == 0)
        #expect(logs[other].leading == nil)
        tasks[leader].cancel()
        await tasks[leader].value
        await pool.close()
    }

    @Test
    func everyAcquisitionDrawsAGreaterTokenAndRenewOrReleaseNeedTheHoldersValue() async throws {
        let pool = try CoordinatorTestSupport.redisPool()
        let lock = CoordinatorTestSupport.lock(pool, prefix: CoordinatorTestSupport.uniquePrefix())
        let t1 = try #require(try await lock.acquire(holder: "a", ttl: .seconds(5)))
        #expect(try await lock.acquire(holder: "b", ttl: .seconds(5)) == nil)
        #expect(try await lock.renew(holder: "b", token: t1, ttl: .seconds(5)) == false)
        #expect(try await lock.renew(holder: "a", token: t1, ttl: .seconds(5)))
        try await lock.release(holder: "b", token: t1)
        #expect(try await lock.isHeld())
        try await lock.release(holder: "a", token: t1)
        #expect(try await !lock.isHeld())
        let t2 = try #require(try await lock.acquire(holder: "b", ttl: .seconds(5)))
        #expect(t2 > t1)
        #expect(try await lock.renew(holder: "a", token: t1, ttl: .seconds(5)) == false)
        await pool.close()
    }
}
