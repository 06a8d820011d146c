/// The five phases of a CRM delivery, in order, as the seed names them (DESIGN.md "Phase model").
///
/// Raw values are the snake_case names used in JSON payloads and in the database.
public enum DeliveryPhase: String, Sendable, Hashable, Codable, CodingKeyRepresentable, NamedChoice {
    case requirementsAnalysis = "requirements_analysis"
    case systemDesign = "system_design"
    case developmentAndTesting = "development_and_testing"
    case deploymentAndTraining = "deployment_and_training"
    /// Ongoing after go-live. Not simulated by default; when it appears in an estimate it stands for a
    /// fixed hypercare window (see ``typicalWeeks``) so that a report can show an end date.
    case maintenanceAndSupport = "maintenance_and_support"

    /// The four phases the seed gives a duration for; the default estimate simulates exactly these.
    public static let simulated: [DeliveryPhase] = [
        .requirementsAnalysis, .systemDesign, .developmentAndTesting, .deploymentAndTraining,
    ]

    /// Whether the seed gives this phase a finite duration. Maintenance is ongoing.
    public var isSimulatedByDefault: Bool { self != .maintenanceAndSupport }

    public var title: String {
        switch self {
        case .requirementsAnalysis: "Requirements analysis"
        case .systemDesign: "System design"
        case .developmentAndTesting: "Development & testing"
        case .deploymentAndTraining: "Deployment & training"
        case .maintenanceAndSupport: "Maintenance & support"
        }
    }

    /// The steps of the phase, in order. A review step gates the next phase (DESIGN.md).
    public var steps: [String] {
        switch self {
        case .requirementsAnalysis: ["research", "consolidation", "review"]
        case .systemDesign: ["architecture", "database", "ui", "business_logic"]
        case .developmentAndTesting: ["frontend", "backend", "integration_testing", "user_acceptance_testing"]
        case .deploymentAndTraining: ["deployment", "data_migration", "user_training"]
        case .maintenanceAndSupport: ["monitoring", "fixes", "optimisation"]
        }
    }

    /// The seed's typical duration in weeks, as a three-point estimate with the midpoint as the mode
    /// (the seed gives ranges only).
    ///
    /// Maintenance has no seed range: 1/2/4 weeks is an assumption for a hypercare window (the
    /// fortnight after go-live in which the delivery team still fixes defects), right-skewed because
    /// hypercare is extended more often than cut short.
    public var typicalWeeks: ThreePointEstimate {
        switch self {
        case .requirementsAnalysis: ThreePointEstimate(min: 2, max: 4)
        case .systemDesign: ThreePointEstimate(min: 4, max: 6)
        case .developmentAndTesting: ThreePointEstimate(min: 8, max: 12)
        case .deploymentAndTraining: ThreePointEstimate(min: 2, max: 4)
        case .maintenanceAndSupport: ThreePointEstimate(min: 1, mode: 2, max: 4)
        }
    }
}
