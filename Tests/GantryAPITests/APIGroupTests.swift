import Foundation
import GantryAPI
import GantryCore
import GantryTesting
import Testing

/// Groups through the API: a job's group on the way in and out, the busiest groups, limits set at
/// run time (admin only, bad values named), and the group gauges of `/metrics`.
@Suite("API: groups", .enabled(if: TestServers.areAvailable))
struct APIGroupTests {
    /// Enqueues `count` no-op jobs of `group` into `queue` through the API; returns their IDs.
    @discardableResult
    static func submit(_ api: APIClient, _ h: APIHarness, queue: String, group: String, count: Int) async throws -> [String] {
        var ids: [String] = []
        for _ in 0..<count {
            let created = try await api.call(
                .post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{},"queue":"\#(queue)","group":"\#(group)"}"#)
            #expect(created.status == 201, "\(created.text)")
            ids.append(try #require(created.object["id"] as? String))
        }
        return ids
    }

    static func groups(_ answer: APIClient.Answer) -> [String: [String: Any]] {
        var byName: [String: [String: Any]] = [:]
        for g in answer.object["groups"] as? [[String: Any]] ?? [] { byName[g["group"] as? String ?? ""] = g }
        return byName
    }

    @Test
    func aJobCarriesItsGroupInSingleAndBulkSubmissionsAndTheJobViewsShowIt() async throws {
        try await APIHarness.serve("api group jobs") { h, api in
            let id = try #require(try await Self.submit(api, h, queue: "g", group: "acme", count: 1).first)
            let job = try await api.call(.get, "/v1/jobs/\(id)?queue=g", token: h.read)
            #expect(job.object["group"] as? String == "acme", "\(job.text)")

            let bulk = try await api.call(
                .post, "/v1/jobs/bulk", token: h.submit,
                json: #"{"jobs":[{"kind":"gantry.noop","payload":{},"queue":"g","group":"beta"},{"kind":"gantry.noop","payload":{},"queue":"g"}]}"#)
            #expect(bulk.status == 201, "\(bulk.text)")
            let ready = try await api.call(.get, "/v1/jobs?queue=g&state=ready", token: h.read).object["jobs"] as? [[String: Any]] ?? []
            #expect(ready.count == 3)
            #expect(Set(ready.compactMap { $0["group"] as? String }) == ["acme", "beta"])
            // Leased, every job is listed: each with its group, and none on the job without one.
            let leased = try await h.driver.lease(queue: try QueueName("g"), consumer: "w", max: 10, leaseMs: 60_000)
            #expect(leased.count == 3)
            let listed = try await api.call(.get, "/v1/jobs?queue=g&state=leased", token: h.read)
            let jobs = listed.object["jobs"] as? [[String: Any]] ?? []
            #expect(jobs.count == 3, "\(listed.text)")
            #expect(Set(jobs.compactMap { $0["group"] as? String }) == ["acme", "beta"])
            #expect(jobs.filter { $0["group"] == nil }.count == 1, "a job without a group has none in the listing")

            // A CRM kind without a group is grouped by its project.
            let project = UUID().uuidString.lowercased()
            let report = try await api.call(
                .post, "/v1/jobs", token: h.submit,
                json: #"{"kind":"report.build","payload":{"project_id":"\#(project)"},"project_id":"\#(project)","queue":"g"}"#)
            let reportID = try #require(report.object["id"] as? String, "\(report.text)")
            #expect(try await api.call(.get, "/v1/jobs/\(reportID)", token: h.read).object["group"] as? String == project)

            // A group the queue cannot store is refused before anything is, naming the job.
            let bad = try await api.call(
                .post, "/v1/jobs/bulk", token: h.submit,
                json: #"{"jobs":[{"kind":"gantry.noop","payload":{},"queue":"g"},{"kind":"gantry.noop","payload":{},"queue":"g","group":""}]}"#)
            #expect(bad.status == 422, "\(bad.text)")
            #expect(bad.errorField == "jobs[1].group")
            let single = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{},"group":"a\u0001b"}"#)
            #expect(single.status == 422)
            #expect(single.errorField == "group")
        }
    }

    @Test
    func theBusiestGroupsComeFirstWithReadyRunningTheirLimitsAndWhetherParked() async throws {
        try await APIHarness.serve("api group busiest") { h, api in
            try await Self.submit(api, h, queue: "b", group: "acme", count: 4)
            try await Self.submit(api, h, queue: "b", group: "beta", count: 2)
            try await Self.submit(api, h, queue: "b", group: "solo", count: 1)
            let limited = try await api.call(.put, "/v1/queues/b/groups/limits", token: h.admin, json: #"{"group":"acme","concurrency":1}"#)
            #expect(limited.status == 200, "\(limited.text)")
            let everyGroup = try await api.call(.put, "/v1/queues/b/groups/limits", token: h.admin, json: #"{"rate":"600/min"}"#)
            #expect(everyGroup.status == 200, "\(everyGroup.text)")

            // A worker's lease: acme takes one (its limit) and is parked; the others take their turn.
            let leased = try await h.driver.lease(queue: try QueueName("b"), consumer: "w", max: 100, leaseMs: 60_000)
            #expect(leased.filter { $0.envelope.group == "acme" }.count == 1)

            let answer = try await api.call(.get, "/v1/queues/b/groups?top=2", token: h.read)
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.object["queue"] as? String == "b")
            let listed = answer.object["groups"] as? [[String: Any]] ?? []
            #expect(listed.compactMap { $0["group"] as? String } == ["acme", "beta"], "busiest first, two of three: \(answer.text)")
            let acme = try #require(Self.groups(answer)["acme"])
            #expect(acme["ready"] as? Int == 3)
            #expect(acme["running"] as? Int == 1)
            #expect(acme["concurrency"] as? Int == 1)
            #expect(acme["rate"] as? String == "600/min", "the queue's limit on every group applies to acme too")
            #expect(acme["parked"] as? Bool == true)
            let beta = try #require(Self.groups(answer)["beta"])
            #expect(beta["ready"] as? Int == 0 && beta["running"] as? Int == 2)
            #expect(beta["concurrency"] == nil)
            #expect(beta["parked"] as? Bool == false)
            let limits = answer.object["limits"] as? [[String: Any]] ?? []
            #expect(limits.count == 2)
            #expect(limits.first?["group"] == nil && limits.first?["rate"] as? String == "600/min", "every group's first: \(limits)")
            #expect(limits.last?["group"] as? String == "acme" && limits.last?["concurrency"] as? Int == 1)

            let none = try await api.call(.get, "/v1/queues/b/groups?top=0", token: h.read)
            #expect((none.object["groups"] as? [Any])?.isEmpty == true)
            #expect((none.object["limits"] as? [Any])?.count == 2)
            let tooMany = try await api.call(.get, "/v1/queues/b/groups?top=5000", token: h.read)
            #expect(tooMany.status == 400)
            #expect(tooMany.errorField == "top")
        }
    }

    @Test
    func limitsAreSetByAnAdminTokenOnlyReplacedAsAWholeAndBadValuesAreNamed() async throws {
        try await APIHarness.serve("api group limits") { h, api in
            let path = "/v1/queues/l/groups/limits"
            #expect(try await api.call(.put, path, token: h.submit, json: #"{"concurrency":1}"#).status == 403)
            #expect(try await api.call(.put, path, token: h.read, json: #"{"concurrency":1}"#).status == 403)
            #expect(try await api.call(.get, "/v1/queues/l/groups", token: h.submit).status == 403)

            let set = try await api.call(.put, path, token: h.admin, json: #"{"group":"acme","concurrency":3,"rate":"10/60s"}"#)
            #expect(set.status == 200, "\(set.text)")
            let limits = set.object["limits"] as? [[String: Any]] ?? []
            #expect(limits.count == 1)
            #expect(limits.first?["group"] as? String == "acme")
            #expect(limits.first?["concurrency"] as? Int == 3)
            #expect(limits.first?["rate"] as? String == "10/min", "answered in the largest unit: \(limits)")

            // The body is the scope's whole limit: what it leaves out is gone.
            let replaced = try await api.call(.put, path, token: h.admin, json: #"{"group":"acme","rate":"5/1500ms"}"#)
            let after = try #require((replaced.object["limits"] as? [[String: Any]])?.first)
            #expect(after["concurrency"] == nil)
            #expect(after["rate"] as? String == "5/1500ms")
            let removed = try await api.call(.put, path, token: h.admin, json: #"{"group":"acme"}"#)
            #expect(removed.status == 200)
            #expect((removed.object["limits"] as? [Any])?.isEmpty == true, "\(removed.text)")

            for (body, field) in [
                (#"{"rate":"60/minute"}"#, "rate"), (#"{"rate":"0/s"}"#, "rate"), (#"{"concurrency":-1}"#, "concurrency"),
                (#"{"group":"*","concurrency":1}"#, "group"), (#"{"group":"","concurrency":1}"#, "group"),
                (#"{"concurrency":1,"burst":2}"#, "burst"), (#"{"concurrency":"two"}"#, "concurrency"),
            ] {
                let refused = try await api.call(.put, path, token: h.admin, json: body)
                #expect(refused.status == 422, "\(body): \(refused.text)")
                #expect(refused.errorField == field, "\(body): \(refused.text)")
                #expect(refused.error["message"] is String)
            }
            let badQueue = try await api.call(.put, "/v1/queues/a%20b/groups/limits", token: h.admin, json: #"{"concurrency":1}"#)
            #expect(badQueue.status == 422)
            #expect(badQueue.errorField == "queue")
            let text = try await api.call(.put, path, token: h.admin, body: "concurrency=1", contentType: "text/plain")
            #expect(text.status == 415)
            // Nothing refused was stored.
            #expect((try await api.call(.get, "/v1/queues/l/groups", token: h.read).object["limits"] as? [Any])?.isEmpty == true)
        }
    }

    @Test
    func aQueueDriverWithoutGroupsAnswersNotConfigured() async throws {
        let h = try await APIHarness.make("api group memory")
        var dependencies = h.dependencies
        dependencies.queue = JobQueue(driver: MemoryJobQueueDriver(), registry: dependencies.queue.registry)
        try await h.run(dependencies) { api in
            let listed = try await api.call(.get, "/v1/queues/default/groups", token: h.read)
            #expect(listed.status == 503)
            #expect(listed.errorCode == "not_configured")
            #expect(listed.error["message"] as? String == "this API process has no groups in its queue driver")
            let set = try await api.call(.put, "/v1/queues/default/groups/limits", token: h.admin, json: #"{"concurrency":1}"#)
            #expect(set.errorCode == "not_configured")
            // Submitting with a group still works there: the group is kept, only not taken in turns.
            let created = try await api.call(.post, "/v1/jobs", token: h.submit, json: #"{"kind":"gantry.noop","payload":{},"group":"acme"}"#)
            #expect(created.status == 201)
            #expect(try await api.call(.get, "/metrics").status == 200)
        }
    }

    @Test
    func metricsExportTheBusiestGroupsAndDropAGroupOnceItHasNoWork() async throws {
        try await APIHarness.serve("api group metrics") { h, api in
            try await Self.submit(api, h, queue: "m", group: "acme", count: 3)
            let brief = try await Self.submit(api, h, queue: "m", group: "brief", count: 1)
            let acme = ["queue": "m", "group": "acme"]

            let first = PrometheusExposition(try await api.call(.get, "/metrics").text)
            #expect(first.problems() == [])
            #expect(first.sum("gantry_group_ready", acme) == 3)
            #expect(first.has("gantry_group_running", acme))
            #expect(first.sum("gantry_group_running", acme) == 0)
            #expect(first.sum("gantry_group_ready", ["queue": "m", "group": "brief"]) == 1)

            // brief's only job is cancelled: brief has no work left and its series go, not stay at 0.
            let cancelled = try await api.call(.post, "/v1/jobs/\(brief[0])/cancel?queue=m", token: h.submit)
            #expect(cancelled.object["outcome"] as? String == "cancelled")
            _ = try await h.driver.lease(queue: try QueueName("m"), consumer: "w", max: 1, leaseMs: 60_000)
            let second = PrometheusExposition(try await api.call(.get, "/metrics").text)
            #expect(second.problems() == [])
            #expect(!second.has("gantry_group_ready", ["group": "brief"]), "\(second.text)")
            #expect(!second.has("gantry_group_running", ["group": "brief"]))
            #expect(second.sum("gantry_group_ready", acme) == 2)
            #expect(second.sum("gantry_group_running", acme) == 1)
        }
    }
}
