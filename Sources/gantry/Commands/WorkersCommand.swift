import ArgumentParser
import FoundationEssentials
import GantryAPIClient
import GantryCore
import GantryRedis
import GantryRedisQueue

/// `gantry workers`: the live worker processes. Through the API when one can be found (flags, `GANTRY_API_URL`,
/// a running `gantry dev`); otherwise, or with `--redis-url`, from the registry in Redis directly, which
/// defaults to a local `gantry dev`'s Redis (port 6390), not 6379, where a system Redis would answer with an
/// empty cluster.
struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers", abstract: "List live workers (a worker that dies disappears within its heartbeat TTL).")

    @Option(
        name: .customLong("redis-url"),
        help: "Read Redis directly at this URL instead of asking the API (without an API: GANTRY_REDIS_URL, then `gantry dev`'s).")
    var redisURL: String?

    @OptionGroup var output: OutputFormat
    @OptionGroup var api: APIOptions

    /// One row, from either source.
    struct Row: Encodable {
        var id: String
        var host: String
        var pid: Int
        var queues: [String]
        var running: Int
        var concurrency: Int
        var jobsDone: Int
        var startedAt: Date
        var lastSeenAt: Date

        enum CodingKeys: String, CodingKey {
            case id, host, pid, queues, running, concurrency
            case jobsDone = "jobs_done", startedAt = "started_at", lastSeenAt = "last_seen_at"
        }
    }

    func run() async throws {
        let rows = try await fetch()
        let now = Date()
        try output.list(rows, none: "no live workers") {
            Table(
                [
                    .init("WORKER"), .init("HOST"), .init("PID", right: true), .init("QUEUES"), .init("RUNNING", right: true),
                    .init("CONCURRENCY", right: true), .init("DONE", right: true), .init("UP", right: true), .init("SEEN", right: true),
                ], rows: rows,
                cells: { w in
                    [
                        w.id, w.host, String(w.pid), w.queues.joined(separator: ","), String(w.running), String(w.concurrency),
                        HumanUnits.count(w.jobsDone), HumanUnits.duration(seconds: now.timeIntervalSince(w.startedAt)),
                        HumanUnits.duration(seconds: now.timeIntervalSince(w.lastSeenAt)) + " ago",
                    ]
                })
        }
    }

    /// The API, or nil when nothing says where one is (no flags, no `GANTRY_API_URL`, no dev's `api-url`): then
    /// the registry is read in Redis, as before the API existed.
    private func discoverAPI() throws -> APIClient? {
        let found: Result<APIClient, CLIError>
        do {
            found = .success(try APIClient(api))
        } catch {
            found = .failure(error)
        }
        switch found {
        case .success(let client): return client
        case .failure(let error) where error.code == .unreachable && api.apiURL == nil: return nil
        case .failure(let error): throw error
        }
    }

    private func fetch() async throws -> [Row] {
        if redisURL == nil {
            if let client = try discoverAPI() {
                let workers = try await client.call { try await $0.listWorkers().ok.body.json.workers }
                return workers.map {
                    Row(
                        id: $0.id, host: $0.host, pid: $0.pid, queues: $0.queues, running: $0.running, concurrency: $0.concurrency,
                        jobsDone: $0.jobs_done, startedAt: $0.started_at, lastSeenAt: $0.last_seen_at)
                }
            }
        }
        let configuration = try GantryEnvironment.redis(redisURL, devDirectory: api.dev.dataDirectory)
        let pool = RedisConnectionPool(configuration: configuration, size: 1)
        let workers: [WorkerInfo]
        do {
            workers = try await RedisWorkerRegistry(pool: pool).liveWorkers()
            await pool.close()
        } catch {
            await pool.close()
            throw CLIError(.unreachable, "Redis at \(configuration): \(error)")
        }
        return workers.map {
            Row(
                id: $0.id, host: $0.host, pid: Int($0.pid), queues: $0.queues, running: $0.running, concurrency: $0.concurrency,
                jobsDone: $0.jobsDone, startedAt: Date(timeIntervalSince1970: Double($0.startedAtMs) / 1000),
                lastSeenAt: Date(timeIntervalSince1970: Double($0.lastSeenMs) / 1000))
        }
    }
}
