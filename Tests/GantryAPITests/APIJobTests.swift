import Foundation
import GantryAPI
import GantryCore
import GantryRedisQueue
import GantryTesting
import Testing

@Suite("API: jobs", .enabled(if: TestServers.areAvailable))
struct APIJobTests {
    @Test
    func aJobIsEnqueuedWith201AndReadBackWithItsState() async throws {
        try await APIHarness.serve("api job one") { h, api in
            let created = try await api.call(
                .post, "/v1/jobs", token: h.all, json: #"{"kind":"gantry.sleep","payload":{"ms":5},"queue":"mail","priority":7}"#)
            #expect(created.status == 201)
            #expect(created.object["queue"] as? String == "mail")
            #expect(created.object["enqueued"] as? Bool == true)
            let id = try #require(created.object["id"] as? String)
            #expect(!created.text.contains("\n"))
            let job = try await api.call(.get, "/v1/jobs/\(id)", token: h.read)
            #expect(job.status == 200)
            #expect(job.object["state"] as? String == "ready")
            #expect(job.object["kind"] as? String == "gantry.sleep")
            #expect(job.object["priority"] as? Int == 7)
            #expect((job.object["payload"] as? [String: Any])?["ms"] as? Int == 5)
            #expect(job.object["enqueued_at"] is String)
            let inQueue = try await api.call(.get, "/v1/jobs/\(id)?queue=mail", token: h.read)
            #expect(inQueue.status == 200)
        }
    }

    @Test
    func badInputGetsItsOwnStatusAndNamesTheField() async throws {
        var harness = try await APIHarness.make("api job bad")
        harness.configuration.maxBodyBytes = 4_096
        let h = harness
        try await h.run { api in
            let schema = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.sleep","payload":{"ms":"soon"}}"#)
            #expect(schema.status == 422)
            #expect(schema.errorCode == "invalid_payload")
            #expect(schema.errorField == "payload.ms")
            let unknownKind = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"no.such","payload":{}}"#)
            #expect(unknownKind.status == 422)
            #expect(unknownKind.errorField == "kind")
            let malformed = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"#)
            #expect(malformed.status == 400)
            #expect(malformed.errorCode == "malformed_json")
            let missing = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"payload":{}}"#)
            #expect(missing.status == 422)
            #expect(missing.errorField == "kind")
            let extra = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{},"colour":1}"#)
            #expect(extra.status == 422)
            #expect(extra.errorField == "colour")
            let priority = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{},"priority":12}"#)
            #expect(priority.status == 422)
            #expect(priority.errorField == "priority")
            let queue = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{},"queue":"a b{"}"#)
            #expect(queue.status == 422)
            #expect(queue.errorField == "queue")
            let form = try await api.call(
                .post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{}}"#,
                contentType: "application/x-www-form-urlencoded")
            #expect(form.status == 415)
            let big = String(repeating: "x", count: 5_000)
            let tooLarge = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{"a":"\#(big)"}}"#)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.errorCode == "payload_too_large")
            for answer in [schema, unknownKind, malformed, missing, extra, form, tooLarge] {
                #expect(answer.error["message"] is String)
                #expect(!answer.text.contains("Swift") && !answer.text.contains("SELECT"))
            }
        }
    }

    @Test
    func unknownAndMalformedJobIDsAre404And400() async throws {
        try await APIHarness.serve("api job 404") { h, api in
            let unknown = try await api.call(.get, "/v1/jobs/\(JobID().description)", token: h.read)
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "not_found")
            let bad = try await api.call(.get, "/v1/jobs/not-a-uuid", token: h.read)
            #expect(bad.status == 400)
            #expect(bad.errorField == "id")
            #expect(try await api.call(.post, "/v1/jobs/\(JobID().description)/cancel", token: h.submit).status == 404)
            let route = try await api.call(.get, "/v1/nothing", token: h.read)
            #expect(route.status == 404)
            #expect(route.errorCode == "no_route")
        }
    }

    @Test
    func anIdempotencyKeyAnswersTheFirstJobAgain() async throws {
        try await APIHarness.serve("api job idem") { h, api in
            let body = #"{"kind":"gantry.noop","payload":{}}"#
            let first = try await api.call(.post, "/v1/jobs", token: h.submit, json: body, headers: [.init("Idempotency-Key")!: "order-17"])
            let again = try await api.call(.post, "/v1/jobs", token: h.submit, json: body, headers: [.init("Idempotency-Key")!: "order-17"])
            let other = try await api.call(.post, "/v1/jobs", token: h.submit, json: body, headers: [.init("Idempotency-Key")!: "order-18"])
            #expect(first.status == 201 && again.status == 201)
            #expect(first.object["id"] as? String == again.object["id"] as? String)
            #expect(again.object["enqueued"] as? Bool == false)
            #expect(other.object["id"] as? String != first.object["id"] as? String)
            let stats = try await h.driver.stats(queue: .default)
            #expect(stats.ready == 2)
        }
    }

    @Test
    func bulkEnqueuesEveryJobOrNoneAndNamesTheBadOne() async throws {
        try await APIHarness.serve("api job bulk") { h, api in
            let jobs = (0..<50).map { #"{"kind":"gantry.sleep","payload":{"ms":\#($0)}}"# }.joined(separator: ",")
            let ok = try await api.call(.post, "/v1/jobs/bulk", token: h.submit, json: #"{"jobs":[\#(jobs)]}"#)
            #expect(ok.status == 201)
            #expect(ok.object["enqueued"] as? Int == 50)
            #expect((ok.object["results"] as? [Any])?.count == 50)
            let bad = try await api.call(
                .post, "/v1/jobs/bulk", token: h.submit,
                json: #"{"jobs":[{"kind":"gantry.sleep","payload":{"ms":1}},{"kind":"gantry.sleep","payload":{"ms":-1}}]}"#)
            #expect(bad.status == 422)
            #expect(bad.errorField == "jobs[1].payload.ms")
            #expect(try await h.driver.stats(queue: .default).ready == 50)
            let many = Array(repeating: #"{"kind":"gantry.noop","payload":{}}"#, count: 10_001).joined(separator: ",")
            let tooMany = try await api.call(.post, "/v1/jobs/bulk", token: h.submit, json: #"{"jobs":[\#(many)]}"#)
            #expect(tooMany.status == 413)
            #expect(tooMany.errorField == "jobs")
        }
    }

    @Test
    func cancelRetryAndPurgeFollowTheJobsState() async throws {
        try await APIHarness.serve("api job lifecycle") { h, api in
            let waiting = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{},"queue":"life"}"#)
            let id = try #require(waiting.object["id"] as? String)
            let cancelled = try await api.call(.post, "/v1/jobs/\(id)/cancel", token: h.submit)
            #expect(cancelled.status == 200)
            #expect(cancelled.object["outcome"] as? String == "cancelled")
            let again = try await api.call(.post, "/v1/jobs/\(id)/cancel", token: h.submit)
            #expect(again.status == 409)
            #expect(again.errorCode == "already_finished")

            // A job that dies: leased and failed for good.
            let doomed = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{},"queue":"life"}"#)
            let doomedID = try #require(doomed.object["id"] as? String)
            #expect(try await api.call(.post, "/v1/jobs/\(doomedID)/retry", token: h.submit).status == 409)
            let leased = try await h.driver.lease(queue: "life", consumer: "t", max: 10, leaseMs: 10_000)
            _ = try await h.driver.fail(
                queue: "life", failures: leased.map { JobFailure(lease: $0.lease, error: "boom", retryDelayMs: nil) })
            let dead = try await api.call(.get, "/v1/jobs/\(doomedID)", token: h.read)
            #expect(dead.object["state"] as? String == "dead")
            #expect(dead.object["last_error"] as? String == "boom")
            let retried = try await api.call(.post, "/v1/jobs/\(doomedID)/retry", token: h.submit)
            #expect(retried.status == 200)
            #expect(retried.object["retried"] as? Int == 1)

            let again2 = try await h.driver.lease(queue: "life", consumer: "t", max: 10, leaseMs: 10_000)
            _ = try await h.driver.fail(
                queue: "life", failures: again2.map { JobFailure(lease: $0.lease, error: "boom", retryDelayMs: nil) })
            let all = try await api.call(.post, "/v1/queues/life/dead/retry", token: h.submit)
            #expect(all.object["retried"] as? Int == 1)
            let third = try await h.driver.lease(queue: "life", consumer: "t", max: 10, leaseMs: 10_000)
            _ = try await h.driver.fail(
                queue: "life", failures: third.map { JobFailure(lease: $0.lease, error: "boom", retryDelayMs: nil) })
            let purged = try await api.call(.delete, "/v1/queues/life/dead", token: h.admin)
            #expect(purged.status == 200)
            #expect(purged.object["purged"] as? Int == 1)
        }
    }

    @Test
    func jobsAreListedByQueueStateAndKindAPageAtATime() async throws {
        try await APIHarness.serve("api job list") { h, api in
            for body in [#"{"kind":"gantry.noop","payload":{},"queue":"lst"}"#, #"{"kind":"gantry.noop","payload":{},"queue":"lst"}"#,
                         #"{"kind":"gantry.sleep","payload":{"ms":1},"queue":"lst","delay":60000}"#] {
                #expect(try await api.call(.post, "/v1/jobs", token: h.submit, json: body).status == 201)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await api.call(.get, "/v1/jobs?queue=lst&limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), token: h.read)
                #expect(page.status == 200)
                seen += (page.object["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page.object["next_cursor"] as? String
            } while cursor != nil && seen.count < 10
            #expect(seen.count == 3 && Set(seen).count == 3)
            let delayed = try await api.call(.get, "/v1/jobs?queue=lst&state=delayed", token: h.read)
            #expect((delayed.object["jobs"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["gantry.sleep"])
            let noop = try await api.call(.get, "/v1/jobs?queue=lst&kind=gantry.noop", token: h.read)
            #expect((noop.object["jobs"] as? [Any])?.count == 2)
            let badState = try await api.call(.get, "/v1/jobs?queue=lst&state=sleeping", token: h.read)
            #expect(badState.status == 400 || badState.status == 422)
            let badCursor = try await api.call(.get, "/v1/jobs?queue=lst&cursor=zz", token: h.read)
            #expect(badCursor.status == 422)
            #expect(badCursor.errorField == "cursor")
        }
    }
}
