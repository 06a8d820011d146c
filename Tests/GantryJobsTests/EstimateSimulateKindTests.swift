import GantryCore
import GantryJobs
import Testing

/// The payload schema producers are held to at enqueue (no servers needed).
@Suite("estimate.simulate payload schema")
struct EstimateSimulateKindTests: EstimateSchemaSuite {
    @Test
    func acceptsAProjectWithOverrides() {
        #expect(refusal(["project_id": project]) == nil)
        #expect(
            refusal([
                "project_id": project, "trials": 1_000_000, "seed": 42, "distribution": "pert",
                "phases": [["phase": "system_design", "min": 4, "mode": 5, "max": 8]],
                "multipliers": ["complexity": ["very_high": 1.5], "phase_bias": ["system_design": 1.1]],
                "correlation": 0.4, "tail": "flyvbjerg", "status_date": "2026-06-01",
                "risks": [["probability": 0.25, "impact_weeks": 3, "phase": "development_and_testing"]],
                "target_date": "2026-12-31", "holidays": ["2026-12-25"], "weekends_off": true,
            ]) == nil)
    }

    @Test
    func refusesBadPayloadsNamingTheField() {
        let cases: [(JSONValue, String)] = [
            ([:], "project_id"),
            (["project_id": 12], "project_id"),
            (["project_id": project, "trials": 0], "trials"),
            (["project_id": project, "trials": 10_000_001], "trials"),
            (["project_id": project, "seed": -1], "seed"),
            (["project_id": project, "distribution": "normal"], "distribution"),
            (["project_id": project, "phases": [["phase": "qa"]]], "phases[0].phase"),
            (["project_id": project, "risks": [["probability": 2, "impact_weeks": 1, "phase": "system_design"]]], "risks[0].probability"),
            (["project_id": project, "factors": ["client_size": "huge"]], "factors.client_size"),
            (["project_id": project, "trails": 5], "trails"),
        ]
        for (payload, field) in cases {
            let error = refusal(payload)
            #expect(error?.code == .invalidPayload && error?.field == field, "\(payload) → \(String(describing: error))")
        }
    }
}
