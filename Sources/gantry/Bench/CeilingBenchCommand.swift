import ArgumentParser
import GantryCore
import GantryRedis

/// `gantry bench ceiling`: what the same Redis can do at best for one job's queue work, so the queue's figures read
/// as a fraction of it. One connection (its own thread, as every GantryRedis connection) drives (1) pipelined
/// `LPUSH`/`RPOP` of a 100-byte payload, the least a job can cost, and (2) a minimal lease+ack pair of Lua scripts
/// over the same key shapes as Gantry's (a ready list, a leased sorted set, a hash per job, a processed counter)
/// with none of its guarantees: no lease tokens, no retries, no events, no history.
struct CeilingBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ceiling",
        abstract: "The Redis ceiling for one job: pipelined LPUSH/RPOP and a minimal lease+ack script pair.",
        discussion: """
            Runs against GANTRY_REDIS_URL (or --redis-url) under keys of its own that it deletes afterwards. The
            minimal scripts are the yardstick of `gantry bench queue`'s lease+ack (the same batch, one connection);
            the Redis time per job comes from INFO commandstats (EVALSHA's usec before and after).
            """)

    @Option(help: "Redis URL; defaults to GANTRY_REDIS_URL, then the local gantry dev's Redis.")
    var redisURL: String?

    @Option(help: "Jobs for each run.")
    var jobs = 200_000

    @Option(help: "Jobs per lease (and ack) script call, and commands per pipeline.")
    var batch = 500

    @OptionGroup var scale: BenchScale
    @OptionGroup var output: BenchOutput

    struct Result: Codable {
        var lpush_rpop_per_s: Double
        var minimal_lease_ack_per_s: Double
        var minimal_redis_us_per_job: Double
        var jobs: Int
        var batch: Int
    }

    func validate() throws {
        guard jobs >= 1, batch >= 1 else { throw ValidationError("--jobs and --batch must be at least 1") }
    }

    func run() async throws {
        let configuration = try GantryEnvironment.redis(redisURL)
        let jobs = scale.size(self.jobs, quick: 20_000)
        let servers = BenchServers(label: "gantry.bench.ceiling")
        let pool = try await servers.redisPool(configuration, size: 1)
        let connection = try await RedisConnection.connect(configuration: configuration, logger: servers.logger)
        let keys = CeilingKeys(queue: try BenchServers.queueName("ceiling"))
        let measured: Swift.Result<Result, any Error>
        do {
            measured = .success(try await measure(connection, stats: pool, keys: keys, jobs: jobs))
        } catch {
            measured = .failure(error)
        }
        connection.close()
        try? await BenchServers.cleanUp(pool, queue: keys.queue)
        await pool.close()
        let result = try measured.get()
        try output.report(result) {
            print("gantry bench ceiling — Redis \(configuration), \(jobs) jobs, batches of \(batch), one connection")
            print(QueueBenchCommand.row("LPUSH+RPOP, pipelined", result.lpush_rpop_per_s, "jobs/s"))
            print(QueueBenchCommand.row("minimal lease+ack scripts", result.minimal_lease_ack_per_s, "jobs/s"))
            print(BenchOutput.line("Redis time per job (minimal)", width: 32, Text.format(" %12.2f µs", result.minimal_redis_us_per_job)))
        }
    }

    private func measure(_ connection: RedisConnection, stats: RedisConnectionPool, keys: CeilingKeys, jobs: Int) async throws
        -> Result
    {
        let payload = RedisArgument(String(repeating: "x", count: 100))
        output.progress("LPUSH then RPOP of \(jobs) payloads, \(batch) commands per pipeline")
        let pushPop = try await BenchServers.seconds {
            for start in stride(from: 0, to: jobs, by: batch) {
                let n = min(batch, jobs - start)
                _ = try await connection.pipeline(Array(repeating: ["LPUSH", keys.list, payload], count: n))
            }
            for start in stride(from: 0, to: jobs, by: batch) {
                let n = min(batch, jobs - start)
                _ = try await connection.pipeline(Array(repeating: ["RPOP", keys.list], count: n))
            }
        }

        output.progress("storing \(jobs) jobs (a hash each) in the ready list")
        for start in stride(from: 0, to: jobs, by: 1_000) {
            let ids = (start..<min(jobs, start + 1_000)).map { String($0, radix: 16) }
            var commands = ids.map { id -> [RedisArgument] in
                ["HSET", RedisArgument(keys.jobPrefix + id), "k", "gantry.noop", "p", payload, "a", "0"]
            }
            commands.append(["RPUSH", keys.ready] + ids.map { RedisArgument($0) })
            _ = try await connection.pipeline(commands)
        }

        output.progress("minimal lease+ack of \(jobs) jobs, batches of \(batch)")
        let before = try await RedisServerStats.read(stats)
        let (done, seconds) = try await BenchServers.timed { () async throws -> Int in
            var done = 0
            while true {
                let leased = try await connection.run(
                    CeilingScripts.lease, keys: [keys.ready, keys.leased],
                    arguments: [RedisArgument(batch), "99999999999", RedisArgument(keys.jobPrefix)])
                guard let items = leased.array, !items.isEmpty else { return done }
                let ids = stride(from: 0, to: items.count, by: 2).compactMap { items[$0].bytes.map { RedisArgument($0) } }
                let acked = try await connection.run(
                    CeilingScripts.ack, keys: [keys.leased, keys.processed], arguments: [RedisArgument(keys.jobPrefix)] + ids)
                done += acked.int ?? 0
            }
        }
        let after = try await RedisServerStats.read(stats)
        guard done == jobs else {
            throw ValidationError("the minimal scripts settled \(done) of \(jobs) jobs: is another client using keys under \(keys.jobPrefix)?")
        }
        return Result(
            lpush_rpop_per_s: Double(jobs) / pushPop, minimal_lease_ack_per_s: Double(done) / seconds,
            minimal_redis_us_per_job: after.microseconds(since: before, command: "evalsha") / Double(done),
            jobs: jobs, batch: batch)
    }
}

/// The ceiling run's keys, all under one hash tag, as a Gantry queue's are.
struct CeilingKeys {
    let queue: QueueName
    var base: String { "\(BenchServers.keyPrefix):{\(queue.rawValue)}:" }
    var list: RedisArgument { RedisArgument(base + "list") }
    var ready: RedisArgument { RedisArgument(base + "ready") }
    var leased: RedisArgument { RedisArgument(base + "leased") }
    var processed: RedisArgument { RedisArgument(base + "processed") }
    /// A job's hash is this plus its id.
    var jobPrefix: String { base + "job:" }
}

/// The least a lease and an ack can do: pop ids and mark them leased, then forget them and count them.
enum CeilingScripts {
    /// KEYS: ready, leased. ARGV: how many, the lease deadline, the job key prefix. Returns id, payload, id, payload…
    static let lease = RedisScript("""
        local ids = redis.call('LPOP', KEYS[1], ARGV[1])
        if not ids then return {} end
        local leased = {}
        for _, id in ipairs(ids) do
          redis.call('ZADD', KEYS[2], ARGV[2], id)
          leased[#leased + 1] = id
          leased[#leased + 1] = redis.call('HGET', ARGV[3] .. id, 'p')
        end
        return leased
        """)

    /// KEYS: leased, processed. ARGV: the job key prefix, then the ids. Returns how many it settled.
    static let ack = RedisScript("""
        for i = 2, #ARGV do
          redis.call('ZREM', KEYS[1], ARGV[i])
          redis.call('DEL', ARGV[1] .. ARGV[i])
        end
        redis.call('INCRBY', KEYS[2], #ARGV - 1)
        return #ARGV - 1
        """)
}
