import Foundation
import GantryAPI
import GantryCore
import GantryDomain
import GantryPostgresStore
import GantryTesting
import Testing

@Suite("API: advancing projects", .enabled(if: TestServers.areAvailable))
struct APIAdvanceTests {
    static func advance(_ api: APIClient, _ id: UUID, token: String, _ body: String) async throws -> APIClient.Answer {
        try await api.call(.post, "/v1/projects/\(id)/advance", token: token, json: body)
    }

    @Test
    func completingStepsThroughTheGateOpensTheNextPhaseAndTheProjectShowsItsTracking() async throws {
        let h = try await APIHarness.make("api advance")
        let project = try await h.project("Advanced", clientSize: .medium, start: "2026-03-02", target: "2026-10-01")
        try await h.run { api in
            let started = try await Self.advance(
                api, project.id, token: h.submit, #"{"step":"requirements.research","action":"start","on":"2026-03-02"}"#)
            #expect(started.status == 200, "\(started.text)")
            #expect(started.object["status"] as? String == "active")
            let types = (started.object["events"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
            #expect(types == ["project_started", "phase_started", "step_started"])
            #expect((started.object["events"] as? [[String: Any]])?.allSatisfy { $0["actor"] as? String == "submit" } == true)

            let research = try await Self.advance(api, project.id, token: h.submit, #"{"step":"requirements_analysis.research","on":"2026-03-06"}"#)
            #expect(research.status == 200, "\(research.text)")
            let consolidation = try await Self.advance(
                api, project.id, token: h.submit, #"{"step":"requirements.consolidation","on":"2026-03-12","started_on":"2026-03-09"}"#)
            #expect(consolidation.status == 200, "\(consolidation.text)")
            #expect(
                (consolidation.object["phases"] as? [[String: Any]])?.first?["state"] as? String == "in_review",
                "work steps done, the gate waits: \(consolidation.text)")

            let review = try await Self.advance(
                api, project.id, token: h.submit, #"{"step":"requirements.review","approved_by":"Ada Lovelace","on":"2026-03-13"}"#)
            #expect(review.status == 200, "\(review.text)")
            let reviewTypes = (review.object["events"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? []
            #expect(reviewTypes.contains("gate_approved") && reviewTypes.contains("phase_completed"), "\(reviewTypes)")
            #expect(review.object["current_phase"] as? String == "system_design")
            #expect((review.object["progress"] as? Double).map { $0 > 0 && $0 < 1 } == true)

            let design = try await Self.advance(api, project.id, token: h.submit, #"{"step":"design.architecture","on":"2026-03-16"}"#)
            // Completed without a start: it started the day it was completed.
            #expect(design.status == 200, "the gate approved, design opens: \(design.text)")

            // getProject shows the same progress, the gate's approver and the history.
            let shown = try await api.call(.get, "/v1/projects/\(project.id)", token: h.read)
            #expect(shown.status == 200)
            let tracking = try #require(shown.object["tracking"] as? [String: Any])
            #expect(tracking["health"] as? String == "on_track")
            #expect(tracking["current_phase"] as? String == "system_design")
            let requirements = try #require((tracking["phases"] as? [[String: Any]])?.first)
            #expect(requirements["state"] as? String == "done")
            #expect(requirements["actual_start"] as? String == "2026-03-02")
            #expect(requirements["actual_end"] as? String == "2026-03-13")
            #expect(requirements["gate"] as? String == "review")
            let gate = (requirements["steps"] as? [[String: Any]])?.first { $0["step"] as? String == "review" }
            #expect(gate?["approved_by"] as? String == "Ada Lovelace")
            #expect(gate?["gate"] as? Bool == true)
            let consolidated = (requirements["steps"] as? [[String: Any]])?.first { $0["step"] as? String == "consolidation" }
            #expect(consolidated?["actual_start"] as? String == "2026-03-09", "a step's start is when it really started")
            let events = try #require(tracking["events"] as? [[String: Any]])
            #expect(events.first?["type"] as? String == "project_started")
            #expect(events.last?["type"] as? String == "step_completed")
            let seqs = events.compactMap { $0["seq"] as? Int }
            #expect(seqs == seqs.sorted() && seqs.count == events.count)
            #expect(tracking["follow_ups"] is [Any])
            // The existing share of steps done is kept beside the weighted progress.
            #expect((shown.object["progress"] as? Double).map { abs($0 - 4.0 / 17.0) < 1e-9 } == true)
        }
    }

    @Test
    func illegalTransitionsAre409WithThePhaseModelsCodeAndWriteNothing() async throws {
        let h = try await APIHarness.make("api advance refused")
        let project = try await h.project("Refused", clientSize: .medium, start: "2026-03-02")
        let pool = h.pgPool
        try await h.run { api in
            func eventCount() async throws -> Int {
                try await pool.query("SELECT count(*) FROM project_events WHERE project_id = \(project.id)").first?.decode(0, as: Int.self) ?? -1
            }
            let early = try await Self.advance(api, project.id, token: h.submit, #"{"step":"design.architecture"}"#)
            #expect(early.status == 409, "\(early.text)")
            #expect(early.errorCode == "phase_not_open")
            #expect((early.error["message"] as? String)?.contains("requirements_analysis.review") == true, "\(early.text)")
            #expect(try await eventCount() == 0, "a refusal writes nothing")

            for step in ["requirements.research", "requirements.consolidation"] {
                #expect(try await Self.advance(api, project.id, token: h.submit, #"{"step":"\#(step)","on":"2026-03-04"}"#).status == 200)
            }
            let written = try await eventCount()
            let unapproved = try await Self.advance(api, project.id, token: h.submit, #"{"step":"requirements.review"}"#)
            #expect(unapproved.status == 409)
            #expect(unapproved.errorCode == "approval_required")
            let twice = try await Self.advance(api, project.id, token: h.submit, #"{"step":"requirements.research"}"#)
            #expect(twice.status == 409)
            #expect(twice.errorCode == "step_already_done")
            let restart = try await Self.advance(api, project.id, token: h.submit, #"{"step":"requirements.research","action":"start"}"#)
            #expect(restart.status == 409)
            let backwards = try await Self.advance(
                api, project.id, token: h.submit, #"{"step":"requirements.review","approved_by":"Ada","on":"2026-03-01","started_on":"2026-03-03"}"#)
            #expect(backwards.status == 409)
            #expect(backwards.errorCode == "date_before_start")
            #expect(try await eventCount() == written)
        }
    }

    @Test
    func unknownProjectsAre404AndUnknownStepsOrDatesAre400() async throws {
        let h = try await APIHarness.make("api advance bad")
        let project = try await h.project("Typo", clientSize: .small, start: "2026-03-02")
        try await h.run { api in
            let missing = try await Self.advance(api, UUID(), token: h.submit, #"{"step":"requirements.research"}"#)
            #expect(missing.status == 404, "\(missing.text)")
            for body in [#"{"step":"requirements.nope"}"#, #"{"step":"nonsense"}"#, #"{"step":"sales.pitch"}"#] {
                let answer = try await Self.advance(api, project.id, token: h.submit, body)
                #expect(answer.status == 400, "\(body): \(answer.text)")
                #expect(answer.errorCode == "unknown_step" && answer.errorField == "step", "\(body): \(answer.text)")
            }
            let badDay = try await Self.advance(api, project.id, token: h.submit, #"{"step":"requirements.research","on":"2026-13-01"}"#)
            #expect(badDay.status == 400)
            #expect(badDay.errorField == "on")
            let blank = try await Self.advance(
                api, project.id, token: h.submit, #"{"step":"requirements.research","approved_by":"   "}"#)
            #expect(blank.status == 400)
            #expect(blank.errorField == "approved_by")
            let approvedStart = try await Self.advance(
                api, project.id, token: h.submit, #"{"step":"requirements.research","action":"start","approved_by":"Ada"}"#)
            #expect(approvedStart.status == 400)
            #expect(try await Self.advance(api, project.id, token: h.read, #"{"step":"requirements.research"}"#).status == 403)
            let shown = try await api.call(.get, "/v1/projects/\(project.id)", token: h.read)
            #expect((shown.object["tracking"] as? [String: Any])?["status"] as? String == "planned")
        }
    }
}
