/// A discrete risk: with `probability` in a trial, `impactWeeks` are added to `phase`.
///
/// The impact is in calendar-free working weeks and is added after the factor multipliers and the
/// tail: a risk such as "the legacy export arrives late" costs the same weeks whatever the
/// team. A negative impact models an opportunity: it saves at most the phase's maximum (a larger one
/// is capped there, with a warning in the result), and a phase never comes out shorter than zero (or
/// than the time it has already run). Risks on a done
/// phase are ignored. Impacts are bounded to ±``maximumImpactWeeks``.
public struct RiskEvent: Sendable, Hashable, Codable {
    public var name: String
    public var probability: Double
    public var impactWeeks: Double
    public var phase: DeliveryPhase

    /// Ten years: beyond it a "risk" is a different project.
    public static let maximumImpactWeeks = 520.0

    public init(name: String = "", probability: Double, impactWeeks: Double, phase: DeliveryPhase) {
        self.name = name
        self.probability = probability
        self.impactWeeks = impactWeeks
        self.phase = phase
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, probability, phase
        case impactWeeks = "impact_weeks"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let path = FieldPath.string(decoder.codingPath)
        for key in [CodingKeys.probability, .impactWeeks, .phase] where !c.contains(key) {
            throw DomainError(.missingField, field: FieldPath.join(path, key.rawValue), "required")
        }
        name = try c.decode(.name, or: "")
        probability = try c.decode(Double.self, forKey: .probability)
        impactWeeks = try c.decode(Double.self, forKey: .impactWeeks)
        phase = try c.decode(DeliveryPhase.self, forKey: .phase)
    }

    public func validate(field: String) throws {
        if !(probability >= 0 && probability <= 1) {
            throw DomainError(.outOfRange, field: "\(field).probability", "must be between 0 and 1, got \(probability)")
        }
        if !impactWeeks.isFinite || abs(impactWeeks) > Self.maximumImpactWeeks {
            throw DomainError(
                .outOfRange, field: "\(field).impact_weeks",
                "must be a number of weeks between -\(Int(Self.maximumImpactWeeks)) and \(Int(Self.maximumImpactWeeks)), got \(impactWeeks)")
        }
    }
}
