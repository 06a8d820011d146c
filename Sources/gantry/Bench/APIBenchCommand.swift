import ArgumentParser
import AsyncHTTPClient
import FoundationEssentials
import GantryAPI
import GantryCore
import GantryKinds
import GantryPostgres
import GantryPostgresStore
import GantryRedis
import GantryRedisQueue
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Glibc

/// `gantry bench api`: the producer API's throughput over keep-alive connections, against the same
/// server's `GET /healthz` (for scale) and the queue library's own bulk enqueue (for the cost of HTTP).
struct APIBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Producer API throughput: single-job POSTs, bulk POSTs and GET /healthz over 64 connections.",
        discussion: """
            Serves the API in this process on a free loopback port, against GANTRY_REDIS_URL and GANTRY_DATABASE_URL
            (migrated), in a queue of its own that it deletes afterwards, with a token it revokes afterwards.
            """)

    @OptionGroup var servers: ServerOptions

    @Option(help: "Concurrent keep-alive connections.")
    var connections = 64

    @Option(help: "Seconds per run.")
    var seconds: Double = 5

    @Option(help: "Jobs per bulk request.")
    var bulkBatch = 1_000

    @Option(help: "Jobs for the bulk runs (API and queue library).")
    var bulkJobs = 200_000

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    struct Result: Encodable {
        var healthz_per_s: Double
        var single_enqueue_per_s: Double
        var bulk_enqueue_per_s: Double
        var queue_bulk_enqueue_per_s: Double
        var single_to_healthz: Double
        var bulk_to_queue_bulk: Double
        var connections: Int
        var non_2xx: Int
    }

    func run() async throws {
        var logger = Logger(label: "gantry.bench")
        logger.logLevel = .warning
        let redisPool = RedisConnectionPool(configuration: try GantryEnvironment.redis(servers.redisURL), size: 8, logger: logger)
        let pgPool = PostgresConnectionPool(configuration: try GantryEnvironment.postgres(servers.databaseURL), size: 4, logger: logger)
        var driverConfig = try GantryEnvironment.queueDriver()
        driverConfig.keyPrefix = "gantry-bench"
        let driver = RedisJobQueueDriver(pool: redisPool, configuration: driverConfig, logger: logger)
        let queueName = try QueueName("bench-api-\(ProcessInfo.processInfo.processIdentifier)")
        let tokens = APITokenRepository(pool: pgPool)
        let (secret, record) = try await tokens.create(name: "gantry bench api", scopes: [.submit, .read])
        var dependencies = APICommand.dependencies(redisPool: redisPool, driver: driver, pgPool: pgPool, logger: logger)
        dependencies.logger = logger
        let port = try Self.freePort()
        let app = try GantryAPI.buildApplication(
            configuration: APIConfiguration(host: "127.0.0.1", port: port, rateLimit: nil), dependencies: dependencies)
        func progress(_ s: String) { if !json { Text.writeStandardError("  \(s)…\n") } }

        var clientConfig = HTTPClient.Configuration()
        clientConfig.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfig)
        let base = "http://127.0.0.1:\(port)"
        let result: Result
        do {
            result = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService() }
                defer { group.cancelAll() }
                try await Self.waitUntilUp(client, base)
                let failures = Tally()
                let single = #"{"kind":"gantry.noop","payload":{},"queue":"\#(queueName.rawValue)"}"#
                progress("GET /healthz, \(connections) connections, \(seconds) s")
                let healthz = try await load(client, failures) { () -> HTTPClientRequest in
                    HTTPClientRequest(url: base + "/healthz")
                }
                progress("POST /v1/jobs (one job each), \(connections) connections, \(seconds) s")
                let singles = try await load(client, failures) { () -> HTTPClientRequest in
                    var r = HTTPClientRequest(url: base + "/v1/jobs")
                    r.method = .POST
                    r.headers.add(name: "Authorization", value: "Bearer \(secret.value)")
                    r.headers.add(name: "Content-Type", value: "application/json")
                    r.body = .bytes(ByteBuffer(string: single))
                    return r
                }
                try await QueueBenchCommand.cleanUp(redisPool, prefix: "gantry-bench:{\(queueName.rawValue)}")

                progress("POST /v1/jobs/bulk, \(bulkJobs) jobs in requests of \(bulkBatch)")
                let bulkBody = #"{"jobs":["# + Array(repeating: single, count: bulkBatch).joined(separator: ",") + "]}"
                let requests = max(1, bulkJobs / bulkBatch)
                let next = Tally()
                let bulkSeconds = try await QueueBenchCommand.timed {
                    try await withThrowingTaskGroup(of: Void.self) { g in
                        for _ in 0..<4 {
                            g.addTask {
                                while next.value.add(1, ordering: .relaxed).oldValue < requests {
                                    var r = HTTPClientRequest(url: base + "/v1/jobs/bulk")
                                    r.method = .POST
                                    r.headers.add(name: "Authorization", value: "Bearer \(secret.value)")
                                    r.headers.add(name: "Content-Type", value: "application/json")
                                    r.body = .bytes(ByteBuffer(string: bulkBody))
                                    let response = try await client.execute(r, timeout: .seconds(60))
                                    _ = try await response.body.collect(upTo: 16 << 20)
                                    if response.status.code / 100 != 2 { failures.value.add(1, ordering: .relaxed) }
                                }
                            }
                        }
                        try await g.waitForAll()
                    }
                }
                try await QueueBenchCommand.cleanUp(redisPool, prefix: "gantry-bench:{\(queueName.rawValue)}")

                progress("queue library bulk enqueue of \(bulkJobs) jobs (no HTTP)")
                let queue = JobQueue(driver: driver, registry: GantryKinds.registry)
                let library = try await QueueBenchCommand.timed {
                    try await QueueBenchCommand.fill(queue, JobRequest(kind: "gantry.noop", queue: queueName), requests * bulkBatch, bulkBatch)
                }
                try await QueueBenchCommand.cleanUp(redisPool, prefix: "gantry-bench:{\(queueName.rawValue)}")
                let bulk = Double(requests * bulkBatch) / bulkSeconds
                let lib = Double(requests * bulkBatch) / library
                return Result(
                    healthz_per_s: healthz, single_enqueue_per_s: singles, bulk_enqueue_per_s: bulk,
                    queue_bulk_enqueue_per_s: lib, single_to_healthz: singles / healthz, bulk_to_queue_bulk: bulk / lib,
                    connections: connections, non_2xx: failures.value.load(ordering: .relaxed))
            }
        } catch {
            try? await client.shutdown()
            _ = try? await tokens.revoke(record.id.uuidString)
            throw error
        }
        try? await client.shutdown()
        _ = try? await tokens.revoke(record.id.uuidString)
        await redisPool.close()
        await pgPool.close()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print("gantry bench api — \(connections) keep-alive connections")
            print(QueueBenchCommand.row("GET /healthz", result.healthz_per_s, "requests/s"))
            print(QueueBenchCommand.row("POST /v1/jobs (one job)", result.single_enqueue_per_s, "jobs/s"))
            print(QueueBenchCommand.row("POST /v1/jobs/bulk (\(bulkBatch)/req)", result.bulk_enqueue_per_s, "jobs/s"))
            print(QueueBenchCommand.row("queue library bulk", result.queue_bulk_enqueue_per_s, "jobs/s"))
            print("  single / healthz \(Text.format("%.2f", result.single_to_healthz)) (target 0.35), "
                + "API bulk / library bulk \(Text.format("%.2f", result.bulk_to_queue_bulk)) (target 0.5)")
        }
    }

    /// Requests per second from `connections` loops, each sending one request after another for `seconds`.
    func load(
        _ client: HTTPClient, _ failures: Tally, _ make: @escaping @Sendable () -> HTTPClientRequest
    ) async throws -> Double {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let done = Tally()
        let elapsed = try await QueueBenchCommand.timed {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<connections {
                    group.addTask {
                        while ContinuousClock.now < deadline {
                            let response = try await client.execute(make(), timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            if response.status.code / 100 != 2 { failures.value.add(1, ordering: .relaxed) }
                            done.value.add(1, ordering: .relaxed)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        return Double(done.value.load(ordering: .relaxed)) / elapsed
    }

    static func waitUntilUp(_ client: HTTPClient, _ base: String) async throws {
        for _ in 0..<200 {
            if let r = try? await client.execute(HTTPClientRequest(url: base + "/healthz"), timeout: .seconds(1)), r.status == .ok {
                return
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw ValidationError("the API did not come up on \(base)")
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw ValidationError("found no free loopback port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// A counter the load loops share (an `Atomic` in a class, since closures cannot capture one).
final class Tally: Sendable {
    let value = Atomic<Int>(0)
}
