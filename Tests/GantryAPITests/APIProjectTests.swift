import GantryDomain
import Foundation
import GantryAPI
import GantryCore
import GantryJobs
import GantryPostgresStore
import GantryTesting
import Testing

@Suite("API: projects", .enabled(if: TestServers.areAvailable))
struct APIProjectTests {
    static let body = #"""
        {"name":"Northwind CRM","client":{"name":"Northwind","size":"large","industry":"retail"},
         "start_date":"2026-03-02","target_date":"2026-09-30",
         "factors":{"complexity":"high","team_capability":"medium","management_efficiency":"very_high"}}
        """#

    @Test
    func aProjectIsCreatedWithItsClientAndPhasesAndShownWithProgressAndLatestEstimate() async throws {
        let h = try await APIHarness.make("api project one")
        let pool = h.pgPool
        try await h.run { api in
            let created = try await api.call(.post, "/v1/projects", token: h.submit, json: Self.body)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            let client = try #require(created.object["client"] as? [String: Any])
            #expect(client["name"] as? String == "Northwind")
            #expect(client["size"] as? String == "large")
            let factors = try #require(created.object["factors"] as? [String: Any])
            #expect(factors["client_size"] as? String == "large")
            #expect(factors["management_efficiency"] as? String == "very_high")
            let phases = try #require(created.object["phases"] as? [[String: Any]])
            #expect(phases.count == DeliveryPhase.allCases.count)
            #expect(phases.allSatisfy { ($0["steps"] as? [Any])?.isEmpty == false && $0["state"] as? String == "pending" })
            #expect(created.object["progress"] as? Double == 0)
            #expect(created.object["latest_estimate"] == nil)
            #expect(created.object["status"] as? String == "planned")
            #expect(created.object["start_date"] as? String == "2026-03-02")

            // One step done and one forecast later, the project shows both.
            let projectID = try #require(UUID(uuidString: id))
            let firstPhase = try #require(phases.first)
            let firstStep = try #require((firstPhase["steps"] as? [[String: Any]])?.first?["step"] as? String)
            let phaseName = try #require(firstPhase["phase"] as? String)
            let phaseKey = try #require(DeliveryPhase(rawValue: phaseName))
            let day = try #require(CalendarDay("2026-03-02"))
            try await ProjectRepository(pool: pool).markStep(
                firstStep, in: phaseKey, of: projectID, as: .done, actualStart: day, actualEnd: day.adding(days: 3))
            let job = JobEnvelope(
                kind: EstimateSimulateKind.name, payload: ["project_id": .string(id), "trials": 2_000, "seed": 7], projectID: id)
            let jobID = job.id.description
            try await h.perform(job)

            let shown = try await api.call(.get, "/v1/projects/\(id)", token: h.read)
            #expect(shown.status == 200)
            let steps = phases.reduce(0) { $0 + (($1["steps"] as? [Any])?.count ?? 0) }
            let progress = try #require(shown.object["progress"] as? Double)
            #expect(abs(progress - 1.0 / Double(steps)) < 1e-9)
            let estimate = try #require(shown.object["latest_estimate"] as? [String: Any])
            #expect(estimate["job_id"] as? String == jobID)
            #expect(estimate["trials"] as? Int == 2_000)
            #expect((estimate["p80_weeks"] as? Double ?? 0) >= (estimate["p50_weeks"] as? Double ?? 1))
            let shownSteps = (shown.object["phases"] as? [[String: Any]])?.first?["steps"] as? [[String: Any]]
            #expect(shownSteps?.first?["state"] as? String == "done")
        }
    }

    @Test
    func projectsAreListedNewestFirstAPageAtATime() async throws {
        let h = try await APIHarness.make("api project list")
        let client = try await ClientRepository(pool: h.pgPool).createClient(name: "Contoso", size: .small)
        try await h.run { api in
            var ids: [String] = []
            for i in 0..<5 {
                let created = try await api.call(
                    .post, "/v1/projects", token: h.submit,
                    json: #"{"name":"P\#(i)","client_id":"\#(client.id.uuidString)","start_date":"2026-01-05","factors":{"complexity":"low","team_capability":"high","management_efficiency":"medium"}}"#)
                #expect(created.status == 201, "\(created.text)")
                #expect((created.object["factors"] as? [String: Any])?["client_size"] as? String == "small")
                ids.append(try #require(created.object["id"] as? String))
            }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await api.call(
                    .get, "/v1/projects?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: h.read)
                #expect(page.status == 200)
                let projects = try #require(page.object["projects"] as? [[String: Any]])
                #expect(projects.count <= 2)
                seen += projects.compactMap { $0["id"] as? String }
                #expect(projects.allSatisfy { $0["client_id"] as? String == client.id.uuidString.lowercased() })
                cursor = page.object["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == ids.reversed())
            #expect(pages == 3)

            let badCursor = try await api.call(.get, "/v1/projects?cursor=nonsense", token: h.read)
            #expect(badCursor.status == 400)
            #expect(badCursor.errorField == "cursor")
            let badLimit = try await api.call(.get, "/v1/projects?limit=0", token: h.read)
            #expect(badLimit.status == 400)
        }
    }

    @Test
    func badProjectInputGetsTheErrorShapeNamingTheField() async throws {
        try await APIHarness.serve("api project bad") { h, api in
            func post(_ json: String) async throws -> APIClient.Answer {
                try await api.call(.post, "/v1/projects", token: h.submit, json: json)
            }
            let factors = #""factors":{"complexity":"low","team_capability":"low","management_efficiency":"low"}"#
            let neither = try await post(#"{"name":"X","start_date":"2026-01-05",\#(factors)}"#)
            #expect(neither.status == 422)
            #expect(neither.errorField == "client")
            let unknownClient = try await post(#"{"name":"X","client_id":"\#(UUID().uuidString)","start_date":"2026-01-05",\#(factors)}"#)
            #expect(unknownClient.status == 404)
            #expect(unknownClient.errorField == "client_id")
            let client = #""client":{"name":"C","size":"small"}"#
            let badDate = try await post(#"{"name":"X",\#(client),"start_date":"2026-02-30",\#(factors)}"#)
            #expect(badDate.status == 422)
            #expect(badDate.errorField == "start_date")
            let backwards = try await post(#"{"name":"X",\#(client),"start_date":"2026-02-03","target_date":"2026-01-01",\#(factors)}"#)
            #expect(backwards.status == 422)
            #expect(backwards.errorField == "target_date")
            let blank = try await post(#"{"name":"  ",\#(client),"start_date":"2026-02-03",\#(factors)}"#)
            #expect(blank.status == 422)
            #expect(blank.errorField == "name")
            let badLevel = try await post(#"{"name":"X",\#(client),"start_date":"2026-02-03","factors":{"complexity":"extreme","team_capability":"low","management_efficiency":"low"}}"#)
            #expect(badLevel.status == 422)
            let extra = try await post(#"{"name":"X",\#(client),"start_date":"2026-02-03",\#(factors),"colour":"red"}"#)
            #expect(extra.status == 422)
            let malformed = try await post(#"{"name":"#)
            #expect(malformed.status == 400)
            let unknown = try await api.call(.get, "/v1/projects/\(UUID().uuidString)", token: h.read)
            #expect(unknown.status == 404)
            let notAnID = try await api.call(.get, "/v1/projects/42", token: h.read)
            #expect(notAnID.status == 400)
            let readOnly = try await api.call(.post, "/v1/projects", token: h.read, json: Self.body)
            #expect(readOnly.status == 403)
            for answer in [neither, unknownClient, badDate, backwards, blank, badLevel, extra, malformed, unknown, notAnID] {
                #expect(answer.error["message"] is String, "\(answer.status) \(answer.text)")
                #expect(!answer.text.contains("SELECT") && !answer.text.contains("INSERT") && !answer.text.contains("Swift"))
            }
            let listed = try await api.call(.get, "/v1/projects", token: h.read)
            #expect((listed.object["projects"] as? [Any])?.isEmpty == true)
        }
    }
}
