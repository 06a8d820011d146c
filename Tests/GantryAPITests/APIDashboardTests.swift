import Foundation
import GantryCore
import GantryPostgresStore
import GantryTesting
import HTTPTypes
import Testing

@testable import GantryAPI

/// What the dashboard needs of the API besides its operations: the page and its files (no token, a strict
/// content security policy), the queue depth history, a project's full forecast and imports, and the event
/// stream's door. The page itself runs in a real browser in DashboardBrowserTests (GantryCLITests).
@Suite("API: dashboard", .enabled(if: TestServers.areAvailable))
struct APIDashboardTests {
    @Test
    func thePageAndItsFilesAreServedWithoutATokenUnderAStrictPolicy() async throws {
        try await APIHarness.serve("api dashboard page") { _, api in
            let page = try await api.call(.get, "/")
            #expect(page.status == 200)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains(#"<script type="module" src="/dashboard/js/app.js">"#))
            let policy = try #require(page.headers[HTTPField.Name("Content-Security-Policy")!])
            #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"))
            #expect(!page.text.contains("http://") && !page.text.contains("https://"), "the page loads nothing from elsewhere")

            for file in ["dashboard.css", "js/app.js", "js/api.js", "js/dom.js", "js/charts.js", "js/queues.js", "js/dead.js", "js/workers.js", "js/projects.js", "js/project.js"] {
                let answer = try await api.call(.get, "/dashboard/\(file)")
                #expect(answer.status == 200, "\(file)")
                #expect(!answer.text.contains("https://"), "\(file) loads nothing from elsewhere")
            }
            let script = try await api.call(.get, "/dashboard/js/app.js")
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            let etag = try #require(script.headers[.eTag])
            let again = try await api.call(.get, "/dashboard/js/app.js", headers: [.ifNoneMatch: etag])
            #expect(again.status == 304)
            #expect(try await api.call(.get, "/dashboard/js/missing.js").status == 404)
            #expect(try await api.call(.get, "/dashboard/../openapi.yaml").status == 404)
        }
    }

    @Test
    func theEventStreamNeedsAReadToken() async throws {
        try await APIHarness.serve("api events door") { h, api in
            let none = try await api.call(.get, "/v1/events")
            #expect(none.status == 401)
            #expect(none.errorCode == "unauthorized")
            let submitOnly = try await api.call(.get, "/v1/events", token: h.submit)
            #expect(submitOnly.status == 403)
        }
    }

    @Test
    func queueHistoryHoldsTheSamplesOfEveryQueue() async throws {
        var harness = try await APIHarness.make("api queue history")
        harness.configuration.queueSampleInterval = .milliseconds(100)
        let h = harness
        try await h.run { api in
            let queue = TestServers.uniquePrefix("hist")
            let created = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","queue":"\#(queue)","payload":{}}"#)
            #expect(created.status == 201, "\(created.text)")
            try await eventually("a sample of \(queue) with its ready job", timeout: .seconds(10), every: .milliseconds(50)) {
                let history = try await api.call(.get, "/v1/queues/history", token: h.read)
                #expect(history.status == 200)
                #expect(history.object["interval_ms"] as? Int == 100)
                #expect(history.object["window_ms"] as? Int == 3_600_000)
                let series = (history.object["queues"] as? [[String: Any]])?.first { $0["queue"] as? String == queue }
                return (series?["samples"] as? [[String: Any]])?.last?["ready"] as? Int == 1
            }
        }
    }

    @Test
    func aProjectsForecastIs404BeforeItsFirstEstimateAndItsImportsListIsEmpty() async throws {
        let h = try await APIHarness.make("api project forecast")
        let project = try await h.project("Forecastless", clientSize: .medium, start: "2027-01-04", target: "2027-07-30")
        let id = project.id.uuidString.lowercased()
        try await h.run { api in
            let forecast = try await api.call(.get, "/v1/projects/\(id)/forecast", token: h.read)
            #expect(forecast.status == 404, "\(forecast.text)")
            let imports = try await api.call(.get, "/v1/projects/\(id)/imports", token: h.read)
            #expect(imports.status == 200)
            #expect((imports.object["imports"] as? [Any])?.isEmpty == true)
            #expect(try await api.call(.get, "/v1/projects/\(UUID())/imports", token: h.read).status == 404)

            let job = try await api.call(
                .post, "/v1/jobs", token: h.submit,
                json: #"{"kind":"estimate.simulate","payload":{"project_id":"\#(id)","trials":2000,"seed":3}}"#)
            #expect(job.status == 201, "\(job.text)")
            try await h.perform(enqueued: try #require(job.object["id"] as? String), api: api)
            let full = try await api.call(.get, "/v1/projects/\(id)/forecast", token: h.read)
            #expect(full.status == 200, "\(full.text)")
            #expect(full.object["kind"] as? String == "forecast")
            let result = try #require(full.object["result"] as? [String: Any])
            #expect(result["trials"] as? Int == 2000)
            #expect((result["histogram"] as? [Any])?.isEmpty == false)
            #expect((result["s_curve"] as? [Any])?.isEmpty == false)
            #expect((result["sensitivity"] as? [Any])?.count == 4)
        }
    }

    @Test
    func aDepthRingKeepsTheNewestSamplesOldestFirst() {
        var ring = QueueDepthRing(capacity: 3)
        for i in 1...5 { ring.append(QueueDepthSample(atMs: Int64(i), stats: QueueStats(queue: "q", ready: i))) }
        #expect(ring.samples.map(\.atMs) == [3, 4, 5])
        #expect(ring.lastAtMs == 5)
    }

    @Test
    func theHubRefusesSubscribersBeyondItsCapAndFansMessagesOut() async {
        let hub = EventHub(maxSubscribers: 2, bufferSize: 4)
        let a = hub.subscribe(), b = hub.subscribe()
        #expect(a != nil && b != nil)
        #expect(hub.subscribe() == nil)
        hub.publish("one")
        hub.drop(a!.id)
        #expect(hub.subscriberCount == 1)
        #expect(hub.subscribe() != nil, "a dropped subscriber frees its place")
        var iterator = b!.messages.makeAsyncIterator()
        #expect(await iterator.next() == "one")
        hub.dropAll()
        #expect(await iterator.next() == nil)
        #expect(hub.subscriberCount == 0)
    }
}

/// The live feed end to end without a browser: one shared reader turns the queue's stream into `job` and
/// `queues` messages for every connection, and the cap refuses one connection too many.
@Suite("API: dashboard event stream", .enabled(if: TestServers.areAvailable))
struct APIEventStreamTests {
    @Test
    func anEnqueueReachesEveryOpenStreamAsAJobAndAQueuesMessage() async throws {
        var harness = try await APIHarness.make("api events")
        harness.configuration.maxEventStreams = 2
        let h = harness
        try await h.run { api in
            let port = try #require(api.client.port)
            let first = try EventStreamReader(port: port, path: "/v1/events", token: h.read)
            let second = try EventStreamReader(port: port, path: "/v1/events", token: h.read)
            for stream in [first, second] {
                let opened = await stream.read(timeout: .seconds(10)) { $0.contains(": gantry events") }
                #expect(opened.hasPrefix("HTTP/1.1 200"), "\(opened)")
                #expect(opened.lowercased().contains("content-type: text/event-stream"), "\(opened)")
            }
            let third = try EventStreamReader(port: port, path: "/v1/events", token: h.read)
            let refused = await third.read(timeout: .seconds(10)) { $0.contains("too_many_streams") }
            #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused)")

            let queue = TestServers.uniquePrefix("feed")
            let created = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","queue":"\#(queue)","payload":{}}"#)
            let id = try #require(created.object["id"] as? String, "\(created.text)")
            for stream in [first, second] {
                let text = await stream.read(timeout: .seconds(15)) { $0.contains("event: queues") && $0.contains(#""queue":"\#(queue)","ready":1"#) }
                #expect(text.contains("event: job\ndata: {") && text.contains(id) && text.contains(#""type":"enqueued""#), "\(text)")
                #expect(text.contains(#""queue":"\#(queue)","ready":1"#), "\(text)")
            }
        }
    }
}
