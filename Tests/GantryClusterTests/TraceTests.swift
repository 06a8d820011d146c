import Foundation
import GantryCore
import GantryTesting
import Testing

/// Issue 15's traces: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, the API request that enqueues a job, the
/// job's run on a worker and the SQL it sends form one trace, exported over OTLP/HTTP to a local
/// receiver (`Tests/Tools/otlp_receiver.py`, PyPI's opentelemetry-proto; ops/test installs it and sets
/// `GANTRY_PYTHON`).
@Suite("Traces across API, queue and PostgreSQL", .serialized)
struct TraceTests {
    struct Span: Decodable {
        var service: String?
        var trace_id: String
        var span_id: String
        var parent_span_id: String
        var name: String
        var kind: Int
        var attributes: [String: AttributeValue]
    }

    enum AttributeValue: Decodable, Equatable {
        case string(String), number(Double), bool(Bool)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let n = try? c.decode(Double.self) { self = .number(n) }
            else { self = .string(try c.decode(String.self)) }
        }
        var string: String? { if case .string(let s) = self { s } else { nil } }
    }

    @Test func anAPIRequestItsJobAndTheJobsSQLFormOneTraceAtTheOTLPReceiver() async throws {
        let cluster = try await Cluster("traces")
        var children: [WorkerProcess] = []
        defer { for child in children { child.kill9() } }

        // The receiver, on a free port it prints.
        let spansFile = cluster.directory.appendingPathComponent("spans.jsonl")
        let python = ProcessInfo.processInfo.environment["GANTRY_PYTHON"] ?? "/usr/bin/python3"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tools/otlp_receiver.py")
        let receiver = try WorkerProcess(
            binary: URL(fileURLWithPath: python), arguments: [script.path, spansFile.path], environment: [:],
            log: cluster.directory.appendingPathComponent("receiver.log"))
        children.append(receiver)
        var receiverPort = 0
        try await eventually("the OTLP receiver to listen", timeout: .seconds(30), every: .milliseconds(50)) {
            #expect(receiver.isRunning, "the receiver exited (is opentelemetry-proto installed? ops/test sets GANTRY_PYTHON): \(receiver.output)")
            guard let line = receiver.output.split(separator: "\n").first(where: { $0.hasPrefix("listening ") }) else { return false }
            receiverPort = Int(line.dropFirst("listening ".count)) ?? 0
            return receiverPort > 0
        }

        let environment = cluster.environment.merging([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(receiverPort)", "OTEL_BSP_SCHEDULE_DELAY": "100",
        ]) { _, new in new }
        let (api, client) = try await cluster.startAPI(environment: environment)
        children.append(api)
        func start(_ name: String, _ arguments: [String]) throws -> WorkerProcess {
            let child = try cluster.child(name, arguments, environment: environment)
            children.append(child)
            return child
        }
        let worker = try start("worker", ["worker", "--queues", cluster.queueName.rawValue, "--log-level", "info"])

        // A project, then a forecast of it: the job reads the project and stores the estimate.
        let created = try await client.post(
            "/v1/projects",
            [
                "name": "Traced rollout", "client": ["name": "Traced client", "size": "small"], "start_date": "2026-01-05",
                "factors": ["complexity": "medium", "team_capability": "high", "management_efficiency": "medium"],
            ])
        try #require(created.status == 201, "create project: \(created.text)")
        let project = try #require(created.json?["id"] as? String)
        let submitted = try await client.post(
            "/v1/jobs",
            ["kind": "estimate.simulate", "queue": cluster.queueName.rawValue, "payload": ["project_id": project, "trials": 1000, "seed": 1]])
        try #require(submitted.status == 201 || submitted.status == 202, "submit: \(submitted.text)")
        let jobID = try #require(submitted.json?["id"] as? String)

        // The job's own span, its parent the API's span for POST /v1/jobs, and SQL under the job.
        var spans: [Span] = []
        try await eventually("the request, the job and its SQL at the receiver", timeout: .seconds(60), every: .milliseconds(200)) {
            #expect(worker.isRunning, "the worker exited: \(worker.output)")
            let text = (try? String(contentsOf: spansFile, encoding: .utf8)) ?? ""
            spans = text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Span.self, from: Data($0.utf8)) }
            guard let job = spans.first(where: { $0.attributes["messaging.message.id"]?.string == jobID }) else { return false }
            return spans.contains { $0.parent_span_id == job.span_id && $0.attributes["db.system.name"] != nil }
        }
        let job = try #require(spans.first { $0.attributes["messaging.message.id"]?.string == jobID })
        #expect(job.service == "gantry-worker" && job.name == "estimate.simulate")
        #expect(job.kind == 5, "a consumer span (OTLP SpanKind 5)")
        let request = try #require(spans.first { $0.span_id == job.parent_span_id }, "the job's parent span was exported")
        #expect(request.service == "gantry-api" && request.trace_id == job.trace_id)
        #expect(request.kind == 2 && request.name.contains("/v1/jobs"), "a server span of POST /v1/jobs: \(request.name)")
        let sql = spans.filter { $0.trace_id == job.trace_id && $0.parent_span_id == job.span_id && $0.attributes["db.system.name"] != nil }
        #expect(sql.allSatisfy { $0.kind == 3 && $0.service == "gantry-worker" }, "client spans from the worker")
        #expect(sql.contains { $0.name == "INSERT" && ($0.attributes["db.query.text"]?.string ?? "").contains("estimates") },
                "the estimate's INSERT is in the trace: \(sql.map(\.name))")
        for child in children where child.isRunning { child.terminate() }
        for child in children { _ = await child.waitForExit(timeoutMs: 10_000) }
        await cluster.shutdown()
    }
}
