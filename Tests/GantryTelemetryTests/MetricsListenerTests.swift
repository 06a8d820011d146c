import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GantryTelemetry
import GantryTesting
import Logging
import Testing

/// The tiny listener over a real loopback socket.
@Suite struct MetricsListenerTests {
    func get(_ port: Int, _ path: String, method: String = "GET") async throws -> (Int, String, String?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, String(decoding: data, as: UTF8.self), http.value(forHTTPHeaderField: "Content-Type"))
    }

    @Test func servesMetricsAndHealthAnswersOtherwiseAndStops() async throws {
        let exposition = MetricsExposition()
        JobMetrics(registry: exposition.registry, concurrency: 4).finished(
            queue: "q", kind: "k", outcome: .succeeded, duration: .milliseconds(1))
        let listener = MetricsListener(port: 0, logger: Logger(label: "test")) { await exposition.render() }
        let port = try listener.bind()
        #expect(port > 0)
        let task = Task { try await listener.run() }

        let (status, body, type) = try await get(port, "/metrics")
        #expect(status == 200)
        #expect(type?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = PrometheusExposition(body)
        #expect(text.problems() == [])
        #expect(text.sum("gantry_jobs_total", ["outcome": "succeeded"]) == 1)
        #expect(text.has("process_resident_memory_bytes"))
        // Scrapes one after another, each on its own connection.
        for _ in 0..<20 { #expect(try await get(port, "/metrics?x=1").0 == 200) }
        #expect(try await get(port, "/healthz").0 == 200)
        #expect(try await get(port, "/healthz").1 == "ok\n")
        #expect(try await get(port, "/nope").0 == 404)
        #expect(try await get(port, "/metrics", method: "POST").0 == 405)

        // A second listener cannot take the port.
        #expect(throws: MetricsListenerError.self) { try MetricsListener(port: port, logger: Logger(label: "test")) { [] }.bind() }

        listener.stop()
        try await task.value
        try await eventually("the port to close", timeout: .seconds(10)) { (try? await get(port, "/healthz")) == nil }
    }
}
