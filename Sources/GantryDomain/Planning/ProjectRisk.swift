/// One entry of a project's risk register: something that may happen (`probability`, 0 to 1) and
/// would cost `impactWeeks` in `phase` (negative: an opportunity). Open risks enter the project's
/// forecasts as ``RiskEvent``s unless a payload gives its own `risks`; closed ones stay on the
/// register for the record.
public struct ProjectRisk: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case open, closed
    }

    public var name: String
    public var phase: DeliveryPhase
    public var probability: Double
    public var impactWeeks: Double
    public var status: Status

    /// The impacts a register accepts, in working weeks: a year's head start at most, ten years' delay
    /// at most (beyond either, the entry is a typing error, not a risk).
    public static let impactRange: ClosedRange<Double> = -52...520
    /// At most this many entries per project.
    public static let maximumCount = 500

    public init(name: String, phase: DeliveryPhase, probability: Double, impactWeeks: Double, status: Status = .open) {
        self.name = name
        self.phase = phase
        self.probability = probability
        self.impactWeeks = impactWeeks
        self.status = status
    }

    /// The engine's view of an open risk.
    public var event: RiskEvent {
        RiskEvent(name: name, probability: probability, impactWeeks: impactWeeks, phase: phase)
    }

    /// Checks one entry; `field` is its path (`risks[2]`).
    public func validate(field: String) throws(DomainError) {
        let blank = name.allSatisfy(\.isWhitespace)
        if blank || name.count > 200 {
            throw DomainError(.invalidValue, field: "\(field).name", blank ? "must not be blank" : "at most 200 characters")
        }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw DomainError(.invalidValue, field: "\(field).name", "must not contain control characters")
        }
        if !(probability >= 0 && probability <= 1) {
            throw DomainError(.outOfRange, field: "\(field).probability", "must be between 0 and 1, got \(probability)")
        }
        if !(impactWeeks.isFinite && Self.impactRange.contains(impactWeeks)) {
            throw DomainError(
                .outOfRange, field: "\(field).impact_weeks",
                "must be between \(Int(Self.impactRange.lowerBound)) and \(Int(Self.impactRange.upperBound)) weeks, got \(impactWeeks)")
        }
    }

    /// Checks a whole register.
    public static func validate(_ risks: [ProjectRisk], field: String = "risks") throws(DomainError) {
        if risks.count > maximumCount {
            throw DomainError(.outOfRange, field: field, "at most \(maximumCount) risks, got \(risks.count)")
        }
        for (index, risk) in risks.enumerated() { try risk.validate(field: "\(field)[\(index)]") }
    }
}
