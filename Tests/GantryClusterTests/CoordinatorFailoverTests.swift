import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GantryCore
import GantryPostgres
import GantryRedis
import GantryRedisQueue
import GantryTesting
import Testing

/// Two real `gantry coordinator` processes on one Redis and PostgreSQL; the leader is killed with
/// SIGKILL mid-run. The schedule fires every two seconds (cron's optional seconds field), and a
/// batch of delayed jobs falls due across the whole window.
@Suite("Coordinator failover", .serialized)
struct CoordinatorFailoverTests {
    static let delayedJobs = 40

    final class Coordinator: @unchecked Sendable {
        // Unchecked: the process is touched by the test's own task only.
        let process: WorkerProcess
        let port: Int
        init(_ process: WorkerProcess, port: Int) {
            self.process = process
            self.port = port
        }

        /// `gantry_coordinator_leader` from its /metrics, nil when it does not answer.
        func leads() async -> Bool? {
            guard let url = URL(string: "http://127.0.0.1:\(port)/metrics"),
                let (data, _) = try? await URLSession.shared.data(from: url)
            else { return nil }
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("gantry_coordinator_leader ") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 == 1 }
        }
    }

    @Test
    func theOtherCoordinatorLeadsWithinTenSecondsOfTheLeadersSIGKILLAndNothingIsLostOrDoubled() async throws {
        let cluster = try await Cluster("coord-failover")
        let cronQueue = try QueueName("\(cluster.queueName.rawValue)-cron")
        let file = cluster.directory.appendingPathComponent("schedules.yaml")
        try """
            schedules:
              - name: every-two-seconds
                cron: "*/2 * * * * *"
                kind: gantry.noop
                queue: \(cronQueue.rawValue)
                missed: catch_up
            """.write(to: file, atomically: true, encoding: .utf8)

        // Delayed jobs due one every 500 ms over the next 20 s: across the leader's life, the
        // failover and its successor's.
        var delayedIDs: [JobID] = []
        for n in 0..<Self.delayedJobs {
            let result = try await cluster.queue.enqueue(
                JobRequest(kind: "gantry.noop", queue: cluster.queueName, delayMs: Int64(2_000 + n * 500)))
            delayedIDs.append(result.id)
        }

        var coordinators: [Coordinator] = []
        for i in 0..<2 {
            let port = try freeLoopbackPort()
            let process = try WorkerProcess(
                binary: cluster.binary,
                arguments: ["coordinator", "--metrics-port", "\(port)", "--schedules", file.path, "--id", "c\(i)", "--log-level", "info"],
                environment: cluster.environment, log: cluster.directory.appendingPathComponent("coordinator-\(i).log"))
            coordinators.append(Coordinator(process, port: port))
        }
        defer { for c in coordinators { c.process.kill9() } }

        let states = try await eventually("one coordinator leads", timeout: .seconds(30), every: .milliseconds(100)) {
            var states: [Bool?] = []
            for c in coordinators { states.append(await c.leads()) }
            return states
        } until: { states in states.allSatisfy { $0 != nil } && states.contains(true) }
        #expect(states.filter { $0 == true }.count == 1, "leaders: \(states)")
        let leader = try #require(states.firstIndex(of: true))
        let survivor = 1 - leader

        // A few firings under the first leader, then it dies mid-run.
        let pg = try await PostgresConnection.connect(configuration: try PostgresConfiguration(url: cluster.postgres.url))
        defer { pg.close() }
        func firings() async throws -> [(fireAt: Date, jobID: UUID, fence: Int64)] {
            try await pg.query(
                "SELECT fire_at, job_id, fence FROM schedule_firings WHERE schedule = 'every-two-seconds' ORDER BY fire_at"
            ).rows.map { (try $0.decode(0, as: Date.self), try $0.decode(1, as: UUID.self), try $0.decode(2, as: Int64.self)) }
        }
        _ = try await eventually("three firings under the first leader", timeout: .seconds(30), read: firings, until: { $0.count >= 3 })
        coordinators[leader].process.kill9()
        let killedAt = ContinuousClock.now
        try await eventually("the survivor leads", timeout: .seconds(10), every: .milliseconds(100)) {
            await coordinators[survivor].leads() == true
        }
        let failover = ContinuousClock.now - killedAt
        cluster.progress("failover took \(failover)")

        // Every delayed job falls due, and the survivor fires a few more times.
        let lastDue = WallClock.nowMs() + 2_000
        _ = try await eventually(
            "every delayed job promoted", timeout: .seconds(60), every: .milliseconds(100),
            read: { try await cluster.driver.stats(queue: cluster.queueName) }, until: { $0.delayed == 0 && $0.ready == Self.delayedJobs })
        let before = try await firings().count
        _ = try await eventually(
            "three more firings under the survivor", timeout: .seconds(30), read: firings,
            until: { $0.count >= before + 3 && WallClock.nowMs() > lastDue })
        coordinators[survivor].process.terminate()
        #expect(await coordinators[survivor].process.waitForExit(timeoutMs: 15_000) == 0)

        // Firings: one every two seconds from the first to the last, none missing (the survivor caught
        // up what fell in the failover), none twice; two terms, the later with the greater token.
        let all = try await firings()
        let times = all.map { $0.fireAt.timeIntervalSince1970 }
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 2 }, "gaps or doubles: \(times)")
        let fences = all.map(\.fence)
        #expect(Set(fences).count == 2 && fences == fences.sorted(), "fences: \(fences)")

        // The cron queue holds exactly the recorded firings' jobs, each once.
        let redis = try await RedisConnection.connect(configuration: try RedisConfiguration(url: cluster.redis.url))
        defer { redis.close() }
        func readyIDs(_ queue: QueueName) async throws -> [String] {
            var ids: [String] = []
            for priority in 0...9 {
                let reply = try await redis.send(["LRANGE", RedisArgument("gantry:{\(queue.rawValue)}:ready:\(priority)"), "0", "-1"])
                ids += (reply.array ?? []).compactMap(\.string)
            }
            return ids
        }
        let cronJobs = try await readyIDs(cronQueue)
        #expect(cronJobs.count == Set(cronJobs).count, "a firing enqueued twice")
        #expect(Set(cronJobs) == Set(all.map { $0.jobID.uuidString.lowercased() }))
        #expect(try await cluster.driver.stats(queue: cronQueue).ready == all.count)

        // Each delayed job promoted exactly once: in the ready list once, none left delayed.
        let ready = try await readyIDs(cluster.queueName)
        #expect(ready.count == Self.delayedJobs && Set(ready) == Set(delayedIDs.map(\.description)), "\(ready.count) ready")
        let stats = try await cluster.driver.stats(queue: cluster.queueName)
        #expect(stats.delayed == 0 && stats.ready == Self.delayedJobs)
        await cluster.shutdown()
    }
}
