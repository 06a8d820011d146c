import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GantryCore
import GantryPostgres
import GantryTesting
import Testing

/// Issue 15's metrics, end to end: two real `gantry worker` processes with `--metrics-port`, a
/// coordinator and the API on real Redis and PostgreSQL. After a known workload, each process's
/// `/metrics` is valid Prometheus text and holds the counts of what it did.
@Suite("Metrics scrape", .serialized)
struct MetricsScrapeTests {
    static let jobs = 1_000

    /// The body of `GET http://127.0.0.1:port/path`, nil when it does not answer 200.
    static func scrape(_ port: Int, _ path: String = "/metrics") async -> PrometheusExposition? {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)"),
            let (data, response) = try? await URLSession.shared.data(from: url),
            (response as? HTTPURLResponse)?.statusCode == 200
        else { return nil }
        return PrometheusExposition(String(decoding: data, as: UTF8.self))
    }

    @Test func workersCountEveryJobTheyRanAndTheCoordinatorAndTheAPIShowTheQueues() async throws {
        let cluster = try await Cluster("metrics")
        var children: [WorkerProcess] = []
        defer { for child in children { child.kill9() } }
        func start(_ name: String, _ arguments: [String]) throws -> WorkerProcess {
            let child = try WorkerProcess(
                binary: cluster.binary, arguments: arguments, environment: cluster.environment,
                log: cluster.directory.appendingPathComponent("\(name).log"))
            children.append(child)
            return child
        }
        let queue = cluster.queueName.rawValue

        // A project, so that gantry_projects has something to count (no phases: its phase is `none`).
        let db = try await PostgresConnection.connect(configuration: try PostgresConfiguration(url: cluster.postgres.url))
        defer { db.close() }
        try await db.query(
            """
            WITH c AS (INSERT INTO clients (name, size) VALUES ('Metrics Ltd', 'small') RETURNING id)
            INSERT INTO projects (client_id, name, start_date, status) SELECT id, 'Metrics CRM', DATE '2026-01-05', 'active' FROM c
            """)

        let workerPorts = [try freeLoopbackPort(), try freeLoopbackPort()]
        for (n, port) in workerPorts.enumerated() {
            _ = try start(
                "worker-\(n + 1)",
                ["worker", "--queues", queue, "--concurrency", "16", "--history", "none", "--metrics-port", "\(port)", "--log-level", "notice"])
        }
        let coordinatorPort = try freeLoopbackPort()
        let coordinator = try start("coordinator", ["coordinator", "--metrics-port", "\(coordinatorPort)", "--log-level", "notice"])
        let apiPort = try freeLoopbackPort()
        let api = try start("api", ["api", "--port", "\(apiPort)"])

        // Every listener answers before any job is enqueued, so the workload is all they count.
        for port in workerPorts + [coordinatorPort, apiPort] {
            try await eventually("port \(port) to answer /healthz", timeout: .seconds(60), every: .milliseconds(100)) {
                let running = children.allSatisfy { $0.isRunning }
                #expect(running, "a child exited")
                return await Self.scrape(port, "/healthz") != nil
            }
        }

        var requests: [JobRequest] = []
        for n in 0..<Self.jobs { requests.append(JobRequest(kind: "gantry.noop", payload: ["n": .integer(Int64(n))], queue: cluster.queueName)) }
        _ = try await cluster.queue.enqueue(requests)
        let stats = try await cluster.waitUntilDone(expected: Self.jobs, timeoutMs: 120_000)
        #expect(stats.processed == Self.jobs && stats.dead == 0, "\(stats)")

        // Workers: the succeeded runs add up to exactly the jobs, and so do both histograms' counts.
        var succeeded = 0.0
        var durations = 0.0
        var waits = 0.0
        for port in workerPorts {
            let text = try #require(await Self.scrape(port), "worker on \(port) did not answer")
            #expect(text.problems() == [], "worker on \(port)")
            succeeded += text.sum("gantry_jobs_total", ["queue": queue, "kind": "gantry.noop", "outcome": "succeeded"])
            #expect(text.sum("gantry_jobs_total", ["outcome": "dead"]) == 0)
            durations += text.sum("gantry_job_duration_seconds_count", ["queue": queue, "kind": "gantry.noop"])
            waits += text.sum("gantry_job_wait_seconds_count", ["queue": queue, "kind": "gantry.noop"])
            #expect(text.sum("gantry_worker_concurrency") == 16)
            #expect(text.has("gantry_worker_running"))
            #expect(text.sum("process_resident_memory_bytes") > 1_000_000)
            #expect(text.has("process_cpu_seconds_total"))
            #expect(text.sum("process_open_fds") > 0)
        }
        #expect(succeeded == Double(Self.jobs))
        #expect(durations == Double(Self.jobs))
        #expect(waits == Double(Self.jobs))

        // The coordinator: it leads (the only one), and shows the queue and project gauges.
        let fromCoordinator = try await eventually("the coordinator to lead", timeout: .seconds(30), every: .milliseconds(100)) {
            #expect(coordinator.isRunning, "the coordinator exited: \(coordinator.output)")
            return await Self.scrape(coordinatorPort)
        } until: { $0?.sum("gantry_coordinator_leader") == 1 }
        let coordinatorText = try #require(fromCoordinator)
        #expect(coordinatorText.problems() == [])
        #expect(coordinatorText.sum("gantry_coordinator_fencing_token") >= 1)
        for name in ["gantry_queue_ready", "gantry_queue_leased", "gantry_queue_delayed", "gantry_queue_dead", "gantry_queue_oldest_age_seconds"] {
            #expect(coordinatorText.has(name, ["queue": queue]), "\(name) on the coordinator")
            #expect(coordinatorText.sum(name, ["queue": queue]) == 0, "\(name) on the coordinator")
        }
        #expect(coordinatorText.sum("gantry_projects", ["phase": "none", "status": "active"]) == 1)
        #expect(coordinatorText.has("process_resident_memory_bytes"))

        // The API: the same queue gauges, under the same names.
        #expect(api.isRunning, "gantry api exited: \(api.output)")
        let apiText = try #require(await Self.scrape(apiPort))
        #expect(apiText.problems() == [])
        for name in ["gantry_queue_ready", "gantry_queue_leased", "gantry_queue_delayed", "gantry_queue_dead", "gantry_queue_oldest_age_seconds"] {
            #expect(apiText.has(name, ["queue": queue]), "\(name) on the API")
        }
        #expect(apiText.has("gantry_http_requests_total"))
        #expect(apiText.has("process_resident_memory_bytes"))

        await cluster.shutdown()
    }
}
