import Foundation
import GantryAPI
import GantryCore
import GantryRedisQueue
import GantryTesting
import Testing

@Suite("API: queues, kinds, workers, metrics and the document", .enabled(if: TestServers.areAvailable))
struct APIQueueTests {
    @Test
    func queuesListTheirStatistics() async throws {
        try await APIHarness.serve("api queues") { h, api in
            for _ in 0..<3 {
                _ = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{},"queue":"q1"}"#)
            }
            let list = try await api.call(.get, "/v1/queues", token: h.read)
            #expect(list.status == 200)
            let queues = list.object["queues"] as? [[String: Any]] ?? []
            let q1 = try #require(queues.first { $0["queue"] as? String == "q1" })
            #expect(q1["ready"] as? Int == 3)
            #expect(q1["dead"] as? Int == 0)
        }
    }

    @Test
    func kindsComeWithTheirPayloadSchemas() async throws {
        try await APIHarness.serve("api kinds") { h, api in
            let kinds = try await api.call(.get, "/v1/kinds", token: h.read).object["kinds"] as? [[String: Any]] ?? []
            let sleep = try #require(kinds.first { $0["name"] as? String == "gantry.sleep" })
            let schema = try #require(sleep["payload_schema"] as? [String: Any])
            #expect(schema["type"] as? String == "object")
            #expect(schema["required"] as? [String] == ["ms"])
            #expect(((schema["properties"] as? [String: Any])?["ms"] as? [String: Any])?["maximum"] as? Int == 3_600_000)
        }
    }

    @Test
    func workersListTheLiveOnes() async throws {
        let h = try await APIHarness.make("api workers")
        let registry = RedisWorkerRegistry(pool: h.redisPool, keyPrefix: h.driver.configuration.keyPrefix)
        try await registry.announce(
            WorkerInfo(id: "w-1", host: "h", pid: 42, queues: ["default"], concurrency: 8, startedAtMs: WallClock.nowMs()), ttlMs: 30_000)
        try await h.run { api in
            let workers = try await api.call(.get, "/v1/workers", token: h.read).object["workers"] as? [[String: Any]] ?? []
            #expect(workers.map { $0["id"] as? String } == ["w-1"])
            #expect(workers.first?["concurrency"] as? Int == 8)
        }
    }

    @Test
    func metricsShowQueueGaugesAndRequestCountersInPrometheusText() async throws {
        try await APIHarness.serve("api metrics") { h, api in
            _ = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{},"queue":"m"}"#)
            let metrics = try await api.call(.get, "/metrics")
            #expect(metrics.status == 200)
            let text = metrics.text
            #expect(text.contains(#"gantry_queue_ready{queue="m"} 1"#))
            for name in ["gantry_queue_leased", "gantry_queue_delayed", "gantry_queue_dead", "gantry_queue_oldest_age_seconds"] {
                #expect(text.contains("\(name){queue=\"m\"}"))
            }
            #expect(text.contains("# TYPE gantry_http_requests_total counter"))
            #expect(text.contains(#"operation="createJob""#))
            #expect(text.contains("gantry_http_request_duration_seconds_bucket"))
        }
    }

    @Test
    func readinessSaysWhichStoreIsDown() async throws {
        let h = try await APIHarness.make("api ready")
        var deps = h.dependencies
        deps.readiness.append(ReadinessProbe(name: "postgres") { throw CancellationError() })
        try await h.run(deps) { api in
            let answer = try await api.call(.get, "/readyz")
            #expect(answer.status == 503)
            #expect(answer.object["postgres"] as? String == "unreachable")
            #expect(answer.object["redis"] as? String == "ok")
        }
    }

    /// Every operation of the served document is routed and answered: no operation is missing from
    /// the server (404 `no_route` or 405), none fails with a 500, none is left unconfigured.
    @Test
    func everyOperationInTheDocumentIsAnswered() async throws {
        try await APIHarness.serve("api every op") { h, api in
            let document = try await api.call(.get, "/v1/openapi.json", token: h.read)
            #expect(document.status == 200)
            #expect(document.object["openapi"] as? String == "3.1.0")
            let paths = try #require(document.object["paths"] as? [String: [String: Any]])
            var operations = 0
            for (path, methods) in paths.sorted(by: { $0.key < $1.key }) {
                for (method, operation) in methods {
                    guard let op = operation as? [String: Any], let id = op["operationId"] as? String else { continue }
                    operations += 1
                    let csvUpload = id == "createImport" || id == "dryRunImport"
                    let uri = path.replacingOccurrences(of: "{id}", with: JobID().description)
                        .replacingOccurrences(of: "{queue}", with: "default")
                        .replacingOccurrences(of: "{name}", with: "no-such-schedule")
                        .replacingOccurrences(of: "{endpointID}", with: UUID().uuidString.lowercased())
                        + (csvUpload ? "?project_id=\(UUID().uuidString)&entity=accounts" : "")
                    // A JSON body where the document says the operation takes one.
                    let takesJSON = ((op["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] != nil
                    let answer = try await api.call(
                        .init(method.uppercased())!, uri, token: h.all,
                        body: csvUpload ? "external_id,name\n" : (takesJSON ? "{}" : nil),
                        contentType: csvUpload ? "text/csv" : "application/json")
                    #expect(answer.status != 500, "\(id): \(answer.text)")
                    #expect(answer.status != 405 && answer.errorCode != "no_route", "\(id) is not routed")
                    #expect(answer.errorCode != "not_configured", "\(id): \(answer.text)")
                    #expect(answer.status < 400 || answer.errorCode != nil, "\(id) answered \(answer.status) without the error shape")
                }
            }
            #expect(operations == 49)
        }
    }
}
