import GantryCore
import GantryJobs
import Testing

/// The calibration mode's fields in the payload schema producers are held to at enqueue (no servers).
@Suite("estimate.simulate calibration payload schema")
struct EstimateCalibrationSchemaTests: EstimateSchemaSuite {
    @Test
    func acceptsCalibrationModeWithItsOptions() {
        #expect(refusal(["project_id": project, "mode": "calibration"]) == nil)
        #expect(refusal(["project_id": project, "mode": "forecast"]) == nil)
        #expect(
            refusal([
                "project_id": project, "mode": "calibration", "minimum_observations": 5, "trials": 20_000,
                "multipliers": ["client_size": ["large": 1.3]], "holidays": ["2026-12-25"],
            ]) == nil)
    }

    @Test
    func refusesAnUnknownModeOrObservationCountNamingTheField() {
        let cases: [(JSONValue, String)] = [
            (["project_id": project, "mode": "calibrate"], "mode"),
            (["project_id": project, "mode": 1], "mode"),
            (["project_id": project, "mode": "calibration", "minimum_observations": 0], "minimum_observations"),
            (["project_id": project, "mode": "calibration", "minimum_observations": 1.5], "minimum_observations"),
            (["project_id": project, "mode": "calibration", "minimum_observations": 1_001], "minimum_observations"),
        ]
        for (payload, field) in cases {
            let error = refusal(payload)
            #expect(error?.code == .invalidPayload && error?.field == field, "\(payload) → \(String(describing: error))")
        }
    }
}
