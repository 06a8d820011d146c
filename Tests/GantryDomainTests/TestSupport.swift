@testable import GantryDomain

/// A one-phase input with no factor noise, for closed-form checks.
func singlePhase(
    _ phase: DeliveryPhase = .systemDesign, min: Double, mode: Double? = nil, max: Double,
    distribution: DurationDistribution, trials: Int, seed: UInt64 = 7
) -> EstimateInput {
    EstimateInput(
        phases: [PhaseEstimate(phase, weeks: ThreePointEstimate(min: min, mode: mode, max: max), distribution: distribution)],
        projectFactor: .independent, trials: trials, seed: seed)
}

func near(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool { abs(a - b) <= tolerance }

func decodeError(_ json: String) -> DomainError? {
    do {
        _ = try EstimateInput.decode(json: Data(json.utf8))
        return nil
    } catch let error as DomainError {
        return error
    } catch {
        return DomainError(.malformed, field: "?", "not a DomainError: \(error)")
    }
}

import Foundation
