/// One phase of an estimate: its three-point duration in weeks (before factor multipliers) and the
/// distribution to sample it from.
public struct PhaseEstimate: Sendable, Hashable, Codable {
    public var phase: DeliveryPhase
    public var weeks: ThreePointEstimate
    public var distribution: DurationDistribution

    /// Weeks default to the seed's typical range for the phase (``DeliveryPhase/typicalWeeks``).
    public init(_ phase: DeliveryPhase, weeks: ThreePointEstimate? = nil, distribution: DurationDistribution = .pert) {
        self.phase = phase
        self.weeks = weeks ?? phase.typicalWeeks
        self.distribution = distribution
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case phase, min, mode, max, distribution
    }

    /// `{"phase": "system_design", "min": 4, "mode": 5, "max": 7, "distribution": "pert"}`; every field
    /// but `phase` is optional. If only one of min/max is given, the other comes from the seed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        phase = try c.decode(required: .phase, "each phase needs a phase name")
        let typical = phase.typicalWeeks
        let min = try c.decode(.min, or: typical.min)
        let max = try c.decode(.max, or: typical.max)
        weeks = ThreePointEstimate(min: min, mode: try c.decodeIfPresent(Double.self, forKey: .mode), max: max)
        distribution = try c.decode(.distribution, or: .pert)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phase, forKey: .phase)
        try c.encode(weeks.min, forKey: .min)
        try c.encode(weeks.mode, forKey: .mode)
        try c.encode(weeks.max, forKey: .max)
        try c.encode(distribution, forKey: .distribution)
    }

    /// Checks the three points, naming the field: `phases[i].min` and so on.
    public func validate(field: String) throws {
        let w = weeks
        for (name, v) in [("min", w.min), ("mode", w.mode), ("max", w.max)] where !v.isFinite || v < 0 {
            throw DomainError(.invalidValue, field: "\(field).\(name)", "must be a finite number of weeks ≥ 0, got \(v)")
        }
        if w.min > w.max {
            throw DomainError(.invalidValue, field: "\(field).min", "min (\(w.min)) is greater than max (\(w.max))")
        }
        if w.mode < w.min || w.mode > w.max {
            throw DomainError(.invalidValue, field: "\(field).mode", "mode (\(w.mode)) must lie between min (\(w.min)) and max (\(w.max))")
        }
        if distribution == .lognormal && !(w.min > 0) {
            throw DomainError(.invalidValue, field: "\(field).min", "a lognormal phase needs min > 0")
        }
    }
}
