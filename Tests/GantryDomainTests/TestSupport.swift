import Testing
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

/// A finished project of `factors` whose seed phases took their midpoint × the true multiplier ×
/// `noise()` (1 for a noise-free history): the firm whose table calibration should recover.
func finishedProject(
    _ id: String, factors: DeliveryFactors, truth: FactorMultipliers, noise: () -> Double = { 1 }
) -> FinishedProject {
    let phases = DeliveryPhase.simulated.map { phase in
        let planned = phase.typicalWeeks.mode
        return PhaseOutcome(
            phase: phase, plannedWeeks: planned, actualWeeks: planned * truth.multiplier(for: factors, phase: phase) * noise())
    }
    return FinishedProject(id: id, factors: factors, phases: phases)
}

/// Expects every level of the four factors and every seed phase's bias in `fitted` within a relative
/// `tolerance` of `truth`, naming the level that is off.
func expectMultipliers(
    _ fitted: FactorMultipliers, match truth: FactorMultipliers, tolerance: Double,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    func expectTable<Key: Hashable & CaseIterable>(_ name: String, _ table: KeyPath<FactorMultipliers, [Key: Double]>) {
        for key in Key.allCases {
            let (a, b) = (fitted[keyPath: table][key], truth[keyPath: table][key])
            #expect(a != nil && b != nil && abs(a! / b! - 1) < tolerance, "\(name).\(key)", sourceLocation: sourceLocation)
        }
    }
    expectTable("client_size", \.clientSize)
    expectTable("complexity", \.complexity)
    expectTable("team_capability", \.teamCapability)
    expectTable("management_efficiency", \.managementEfficiency)
    for phase in DeliveryPhase.simulated {
        let (a, b) = (fitted.phaseBias[phase], truth.phaseBias[phase])
        #expect(a != nil && b != nil && abs(a! / b! - 1) < tolerance, "bias.\(phase)", sourceLocation: sourceLocation)
    }
}
