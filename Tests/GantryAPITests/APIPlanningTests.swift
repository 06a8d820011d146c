import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgresStore
import GantryTesting
import Testing

/// Baselines, the project's calendar and risk register, and its forecast history through the API.
@Suite("API: baselines, calendar, risks and forecasts", .enabled(if: TestServers.areAvailable))
struct APIPlanningTests {
    static let enterprise = #"""
        {"name":"Globex CRM","client":{"name":"Globex","size":"enterprise"},"start_date":"2027-01-04","target_date":"2027-09-30",
         "factors":{"complexity":"medium","team_capability":"medium","management_efficiency":"medium"}}
        """#

    @Test
    func anEnterpriseProjectIsPlannedLongerAndAChangeRequestRebaselinesWithHistoryKept() async throws {
        let h = try await APIHarness.make("api baselines")
        try await h.run { api in
            let created = try await api.call(.post, "/v1/projects", token: h.submit, json: Self.enterprise)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            let phases = try #require(created.object["phases"] as? [[String: Any]])
            // 3 weeks × 1.35 = 28.35 days → 28: requirements end on 2027-01-31 instead of the seed's 2027-01-24.
            #expect(phases.first?["planned_end"] as? String == "2027-01-31")

            let listed = try await api.call(.get, "/v1/projects/\(id)/baselines", token: h.read)
            #expect(listed.status == 200, "\(listed.text)")
            let versions = try #require(listed.object["baselines"] as? [[String: Any]])
            #expect(versions.map { $0["version"] as? Int } == [1])
            let firstPhases = try #require(versions.first?["phases"] as? [[String: Any]])
            #expect(firstPhases.first?["multiplier"] as? Double == 1.35)
            #expect(firstPhases.first?["base_weeks"] as? Double == 3)

            let changed = try await api.call(
                .post, "/v1/projects/\(id)/baselines", token: h.submit,
                json: #"{"reason":"CR-3: client moved to a medium rollout","factors":{"client_size":"medium"},"phase_weeks":{"system_design":6}}"#)
            #expect(changed.status == 201, "\(changed.text)")
            #expect(changed.object["version"] as? Int == 2)
            #expect((changed.object["factors"] as? [String: Any])?["client_size"] as? String == "medium")
            let shown = try await api.call(.get, "/v1/projects/\(id)", token: h.read)
            let moved = try #require(shown.object["phases"] as? [[String: Any]])
            #expect(moved[0]["planned_end"] as? String == "2027-01-24", "medium again: the seed's 3 weeks")
            #expect(moved[1]["planned_start"] as? String == "2027-01-25" && moved[1]["planned_end"] as? String == "2027-03-07")
            let again = try await api.call(.get, "/v1/projects/\(id)/baselines", token: h.read)
            #expect((again.object["baselines"] as? [[String: Any]])?.map { $0["reason"] as? String }
                == ["initial plan", "CR-3: client moved to a medium rollout"])
        }
    }

    @Test
    func aBadChangeRequestIsRefusedNamingTheField() async throws {
        let h = try await APIHarness.make("api baselines refused")
        let project = try await h.project("Refused", clientSize: .medium, start: "2027-01-04")
        try await h.run { api in
            let blank = try await api.call(.post, "/v1/projects/\(project.id)/baselines", token: h.submit, json: #"{"reason":"  "}"#)
            #expect(blank.status == 400 && blank.errorField == "reason", "\(blank.text)")
            let zero = try await api.call(
                .post, "/v1/projects/\(project.id)/baselines", token: h.submit, json: #"{"reason":"CR","phase_weeks":{"system_design":0}}"#)
            #expect(zero.status == 400 && zero.errorField == "phase_weeks.system_design", "\(zero.text)")
            let unknown = try await api.call(.post, "/v1/projects/\(UUID())/baselines", token: h.submit, json: #"{"reason":"CR"}"#)
            #expect(unknown.status == 404)
            let readOnly = try await api.call(.post, "/v1/projects/\(project.id)/baselines", token: h.read, json: #"{"reason":"CR"}"#)
            #expect(readOnly.status == 403)
            #expect(try await BaselineRepository(pool: h.pgPool).baselines(of: project.id).count == 1, "nothing written")
        }
    }

    @Test
    func theCalendarAndRisksAreSetThroughTheAPIAndForecastsReadThem() async throws {
        let h = try await APIHarness.make("api calendar risks")
        let project = try await h.project("Festive", clientSize: .medium, start: "2027-01-04", target: "2027-06-30")
        try await h.run { api in
            let initial = try await api.call(.get, "/v1/projects/\(project.id)/calendar", token: h.read)
            #expect(initial.status == 200 && initial.object["weekends_off"] as? Bool == true, "\(initial.text)")

            let set = try await api.call(
                .put, "/v1/projects/\(project.id)/calendar", token: h.submit,
                json: #"{"holidays":["2027-02-12","2027-02-11"],"workdays":["2027-02-07"]}"#)
            #expect(set.status == 200, "\(set.text)")
            #expect(set.object["holidays"] as? [String] == ["2027-02-11", "2027-02-12"])
            let badDate = try await api.call(
                .put, "/v1/projects/\(project.id)/calendar", token: h.submit, json: #"{"holidays":["2027-02-11","2027-02-30"]}"#)
            #expect(badDate.status == 400 && badDate.errorField == "holidays[1]", "\(badDate.text)")
            let both = try await api.call(
                .put, "/v1/projects/\(project.id)/calendar", token: h.submit, json: #"{"holidays":["2027-02-07"],"workdays":["2027-02-07"]}"#)
            #expect(both.status == 400 && both.errorField == "workdays", "\(both.text)")

            let risks = try await api.call(
                .put, "/v1/projects/\(project.id)/risks", token: h.submit,
                json: #"""
                    {"risks":[{"name":"Legacy export late","phase":"deployment_and_training","probability":0.5,"impact_weeks":3},
                              {"name":"Old hypercare","phase":"maintenance_and_support","probability":0.2,"impact_weeks":1},
                              {"name":"Closed one","phase":"system_design","probability":1,"impact_weeks":8,"status":"closed"}]}
                    """#)
            #expect(risks.status == 200, "\(risks.text)")
            let listed = try await api.call(.get, "/v1/projects/\(project.id)/risks", token: h.read)
            #expect((listed.object["risks"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Legacy export late", "Old hypercare", "Closed one"])
            for (json, field) in [
                (#"{"risks":[{"name":"x","phase":"system_design","probability":1.5,"impact_weeks":1}]}"#, "risks[0].probability"),
                (#"{"risks":[{"name":"x","phase":"system_design","probability":0.5,"impact_weeks":600}]}"#, "risks[0].impact_weeks"),
                (#"{"risks":[{"name":" ","phase":"system_design","probability":0.5,"impact_weeks":1}]}"#, "risks[0].name"),
            ] {
                let refused = try await api.call(.put, "/v1/projects/\(project.id)/risks", token: h.submit, json: json)
                #expect(refused.status == 400 && refused.errorField == field, "\(refused.text)")
            }

            // A forecast with only project_id reads both; a payload's own holidays and risks win.
            let id = project.id.uuidString.lowercased()
            try await h.perform(JobEnvelope(kind: EstimateSimulateKind.name, payload: ["project_id": .string(id), "trials": 500], projectID: id))
            let estimates = EstimateRepository(pool: h.pgPool)
            let stored = try #require(try await estimates.latest(of: project.id))
            let input = try JSONDecoder().decode(EstimateInput.self, from: Data(stored.input.bytes))
            #expect(input.calendar?.holidays.map(\.description) == ["2027-02-11", "2027-02-12"])
            #expect(input.calendar?.workdays.map(\.description) == ["2027-02-07"])
            #expect(input.risks.map(\.name) == ["Legacy export late"], "open risks on modelled phases only")

            try await h.perform(
                JobEnvelope(
                    kind: EstimateSimulateKind.name,
                    payload: ["project_id": .string(id), "trials": 500, "holidays": ["2027-03-01"], "risks": []], projectID: id))
            let overridden = try #require(try await estimates.latest(of: project.id))
            let second = try JSONDecoder().decode(EstimateInput.self, from: Data(overridden.input.bytes))
            #expect(second.calendar?.holidays.map(\.description) == ["2027-03-01"])
            #expect(second.risks.isEmpty)

            let history = try await api.call(.get, "/v1/projects/\(id)/forecasts", token: h.read)
            #expect(history.status == 200, "\(history.text)")
            let points = try #require(history.object["forecasts"] as? [[String: Any]])
            #expect(points.count == 2)
            #expect(points.map { $0["estimate_id"] as? String } == [stored.id, overridden.id].map { $0.uuidString.lowercased() })
            #expect(points.allSatisfy { $0["p80_finish"] is String && $0["p50_finish"] is String && $0["probability_on_time"] is Double })
            #expect(history.object["target_date"] as? String == "2027-06-30")
            let badLimit = try await api.call(.get, "/v1/projects/\(id)/forecasts?limit=0", token: h.read)
            #expect(badLimit.status == 400)
            let noProject = try await api.call(.get, "/v1/projects/\(UUID())/forecasts", token: h.read)
            #expect(noProject.status == 404)
        }
    }
}
