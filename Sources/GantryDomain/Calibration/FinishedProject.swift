/// A finished project from the firm's history: its factors, each phase's planned and actual weeks,
/// and the forecast that was made for it if one was stored. Calibration learns from these
/// (reference-class forecasting: the firm's own record beats textbook multipliers).
public struct FinishedProject: Sendable, Hashable, Codable {
    public var id: String
    public var factors: DeliveryFactors
    public var phases: [PhaseOutcome]
    /// The total forecast made before the project started, if it was kept.
    public var forecast: RecordedForecast?

    public init(id: String, factors: DeliveryFactors, phases: [PhaseOutcome], forecast: RecordedForecast? = nil) {
        self.id = id
        self.factors = factors
        self.phases = phases
        self.forecast = forecast
    }

    public var actualTotalWeeks: Double { phases.reduce(0) { $0 + $1.actualWeeks } }
}

/// One phase of a finished project. `plannedWeeks` is the baseline before factor multipliers (the
/// seed's or the firm's own estimate for a medium project); the fit explains `actual / planned`.
public struct PhaseOutcome: Sendable, Hashable, Codable {
    public var phase: DeliveryPhase
    public var plannedWeeks: Double
    public var actualWeeks: Double

    public init(phase: DeliveryPhase, plannedWeeks: Double, actualWeeks: Double) {
        self.phase = phase
        self.plannedWeeks = plannedWeeks
        self.actualWeeks = actualWeeks
    }

    enum CodingKeys: String, CodingKey {
        case phase
        case plannedWeeks = "planned_weeks"
        case actualWeeks = "actual_weeks"
    }
}

/// The P50 and P80 of the total that were forecast for a project, in weeks.
public struct RecordedForecast: Sendable, Hashable, Codable {
    public var p50Weeks: Double
    public var p80Weeks: Double

    public init(p50Weeks: Double, p80Weeks: Double) {
        self.p50Weeks = p50Weeks
        self.p80Weeks = p80Weeks
    }

    enum CodingKeys: String, CodingKey {
        case p50Weeks = "p50_weeks"
        case p80Weeks = "p80_weeks"
    }
}
