/// The seed's five delivery phases, in order, with the raw values stored in `phases.phase`.
///
/// The same keys as GantryDomain's `DeliveryPhase`, which this target does not import.
public enum PhaseKey: String, Sendable, Hashable, CaseIterable, Codable {
    case requirementsAnalysis = "requirements_analysis"
    case systemDesign = "system_design"
    case developmentAndTesting = "development_and_testing"
    case deploymentAndTraining = "deployment_and_training"
    case maintenanceAndSupport = "maintenance_and_support"
}
