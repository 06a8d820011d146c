import ArgumentParser
import FoundationEssentials
import Glibc
import GantryCore
import GantryRedis
import GantryRedisQueue

/// `gantry workers`: the live worker processes, from the registry their heartbeats keep.
struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers", abstract: "List live workers (a worker that dies disappears within its heartbeat TTL).")

    @OptionGroup var servers: ServerOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let pool = RedisConnectionPool(configuration: try GantryEnvironment.redis(servers.redisURL), size: 1)
        let workers = try await RedisWorkerRegistry(pool: pool).liveWorkers()
        await pool.close()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(workers), as: UTF8.self))
            return
        }
        guard !workers.isEmpty else {
            print("no live workers")
            return
        }
        let now = Clock.nowMs()
        let header = ["WORKER", "HOST", "PID", "QUEUES", "RUNNING", "CONCURRENCY", "DONE", "UP", "SEEN"]
        let rows = workers.map { w in
            [w.id, w.host, String(w.pid), w.queues.joined(separator: ","), String(w.running), String(w.concurrency),
             String(w.jobsDone), Self.duration(now - w.startedAtMs), Self.duration(now - w.lastSeenMs) + " ago"]
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        for row in [header] + rows {
            print(row.enumerated().map { i, cell in cell.padded(to: widths[i]) }.joined(separator: "  "))
        }
    }

    static func duration(_ ms: Int64) -> String {
        let s = max(0, ms / 1000)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        return "\(s / 3600)h\(s % 3600 / 60)m"
    }
}
