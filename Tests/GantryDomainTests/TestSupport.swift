import Testing
@testable import GantryDomain

/// A one-phase input, for closed-form checks.
func singlePhase(
    _ phase: DeliveryPhase = .systemDesign, min: Double, mode: Double? = nil, max: Double,
    distribution: DurationDistribution, trials: Int, seed: UInt64 = 7
) -> EstimateInput {
    EstimateInput(
        phases: [PhaseEstimate(phase, weeks: ThreePointEstimate(min: min, mode: mode, max: max), distribution: distribution)],
        correlation: .independent, trials: trials, seed: seed)
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

/// The true multipliers of a firm whose table differs from the defaults at every non-reference level
/// and in every seed phase's bias: what the calibration suites' histories are made from.
let firmTable = FactorMultipliers(
    clientSize: [.small: 0.8, .medium: 1, .large: 1.3, .enterprise: 1.7],
    complexity: [.low: 0.9, .medium: 1, .high: 1.25, .veryHigh: 1.5],
    teamCapability: [.low: 1.4, .medium: 1, .high: 0.9, .veryHigh: 0.8],
    managementEfficiency: [.low: 1.2, .medium: 1, .high: 0.95, .veryHigh: 0.9],
    phaseBias: [.requirementsAnalysis: 1.1, .systemDesign: 1.0, .developmentAndTesting: 1.25, .deploymentAndTraining: 1.05])

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
