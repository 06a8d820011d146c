import ArgumentParser
import AsyncHTTPClient
import GantryAPI
import GantryAPIServer
import GantryCore
import GantryKinds
import GantryLocalServers
import GantryPostgresStore
import Hummingbird
import Logging
import NIOCore
import Synchronization

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

    @OptionGroup var scale: BenchScale
    @OptionGroup var output: BenchOutput

    /// Seconds per load run, at most one with `--quick`.
    var runSeconds: Double { scale.quick ? min(seconds, 1) : seconds }

    /// Jobs for the bulk runs, at most 20,000 with `--quick`.
    var bulkJobCount: Int { scale.size(bulkJobs, quick: 20_000) }

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
        let bench = BenchServers()
        let backends = try await APIBackends.open(
            servers, redisConnections: 8, postgresConnections: 4, keyPrefix: BenchServers.keyPrefix, logger: bench.logger)
        let queueName = try BenchServers.queueName("api")
        let tokens = APITokenRepository(pool: backends.pgPool)
        let (secret, record) = try await tokens.create(name: "gantry bench api", scopes: [.submit, .read])
        let port = try LoopbackPort.free()

        var clientConfig = HTTPClient.Configuration()
        clientConfig.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfig)
        let base = "http://127.0.0.1:\(port)"
        /// A POST of `body` to `path` with the bench's token.
        @Sendable func post(_ path: String, _ body: String) -> HTTPClientRequest {
            var r = HTTPClientRequest(url: base + path)
            r.method = .POST
            r.headers.add(name: "Authorization", value: "Bearer \(secret.value)")
            r.headers.add(name: "Content-Type", value: "application/json")
            r.body = .bytes(ByteBuffer(string: body))
            return r
        }
        let measured: Swift.Result<Result, any Error>
        do {
            measured = .success(try await measure(backends, port: port, client, queueName: queueName, post: post))
        } catch {
            measured = .failure(error)
        }
        // Whether the runs passed or failed: nothing of the benchmark stays behind.
        try? await client.shutdown()
        _ = try? await tokens.revoke(record.id.uuidString)
        await backends.close()
        let result = try measured.get()
        try output.report(result) {
            print("gantry bench api — \(connections) keep-alive connections")
            print(QueueBenchCommand.row("GET /healthz", result.healthz_per_s, "requests/s"))
            print(QueueBenchCommand.row("POST /v1/jobs (one job)", result.single_enqueue_per_s, "jobs/s"))
            print(QueueBenchCommand.row("POST /v1/jobs/bulk (\(bulkBatch)/req)", result.bulk_enqueue_per_s, "jobs/s"))
            print(QueueBenchCommand.row("queue library bulk", result.queue_bulk_enqueue_per_s, "jobs/s"))
            print("  single / healthz \(Text.format("%.2f", result.single_to_healthz)) (target 0.35), "
                + "API bulk / library bulk \(Text.format("%.2f", result.bulk_to_queue_bulk)) (target 0.5)")
        }
    }

    /// Serves the API on `port` while the runs go, one after another, and returns their figures.
    private func measure(
        _ backends: APIBackends, port: Int, _ client: HTTPClient, queueName: QueueName,
        post: @escaping @Sendable (String, String) -> HTTPClientRequest
    ) async throws -> Result {
        let app = try GantryAPI.buildApplication(
            configuration: APIConfiguration(host: "127.0.0.1", port: port, rateLimit: nil),
            dependencies: backends.dependencies(logger: BenchServers().logger))
        let base = "http://127.0.0.1:\(port)"
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            defer { group.cancelAll() }
            try await Self.waitUntilUp(client, base)
            let failures = Tally()
            let single = #"{"kind":"gantry.noop","payload":{},"queue":"\#(queueName.rawValue)"}"#
            output.progress("GET /healthz, \(connections) connections, \(runSeconds) s")
            let healthz = try await load(client, failures) { HTTPClientRequest(url: base + "/healthz") }
            output.progress("POST /v1/jobs (one job each), \(connections) connections, \(runSeconds) s")
            let singles = try await load(client, failures) { post("/v1/jobs", single) }
            try await BenchServers.cleanUp(backends.redisPool, queue: queueName)

            output.progress("POST /v1/jobs/bulk, \(bulkJobCount) jobs in requests of \(bulkBatch)")
            let bulkBody = #"{"jobs":["# + Array(repeating: single, count: bulkBatch).joined(separator: ",") + "]}"
            let requests = max(1, bulkJobCount / bulkBatch)
            let next = Tally()
            let bulkSeconds = try await BenchServers.seconds {
                try await withThrowingTaskGroup(of: Void.self) { g in
                    for _ in 0..<4 {
                        g.addTask {
                            while next.value.add(1, ordering: .relaxed).oldValue < requests {
                                let response = try await client.execute(post("/v1/jobs/bulk", bulkBody), timeout: .seconds(60))
                                _ = try await response.body.collect(upTo: 16 << 20)
                                if response.status.code / 100 != 2 { failures.value.add(1, ordering: .relaxed) }
                            }
                        }
                    }
                    try await g.waitForAll()
                }
            }
            try await BenchServers.cleanUp(backends.redisPool, queue: queueName)

            output.progress("queue library bulk enqueue of \(requests * bulkBatch) jobs (no HTTP)")
            let queue = JobQueue(driver: backends.driver, registry: GantryKinds.registry)
            let library = try await BenchServers.seconds {
                try await QueueBenchCommand.fill(queue, JobRequest(kind: "gantry.noop", queue: queueName), requests * bulkBatch, bulkBatch)
            }
            try await BenchServers.cleanUp(backends.redisPool, queue: queueName)
            let bulk = Double(requests * bulkBatch) / bulkSeconds
            let lib = Double(requests * bulkBatch) / library
            return Result(
                healthz_per_s: healthz, single_enqueue_per_s: singles, bulk_enqueue_per_s: bulk,
                queue_bulk_enqueue_per_s: lib, single_to_healthz: singles / healthz, bulk_to_queue_bulk: bulk / lib,
                connections: connections, non_2xx: failures.value.load(ordering: .relaxed))
        }
    }

    /// Requests per second from `connections` loops, each sending one request after another for `seconds`.
    func load(
        _ client: HTTPClient, _ failures: Tally, _ make: @escaping @Sendable () -> HTTPClientRequest
    ) async throws -> Double {
        let deadline = ContinuousClock.now + .milliseconds(Int64(runSeconds * 1000))
        let done = Tally()
        let elapsed = try await BenchServers.seconds {
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
}

/// A counter the load loops share (an `Atomic` in a class, since closures cannot capture one).
final class Tally: Sendable {
    let value = Atomic<Int>(0)
}
