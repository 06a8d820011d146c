/// The forecast-trend half of the at-risk rule: a project whose P80 finish moved out by more than
/// `thresholdWorkingDays` across its last `window` forecasts is at risk, even while no phase has
/// yet run past its own P80 (the other half, ``ProjectProgress/review(limits:slip:on:)``).
///
/// Why the earliest P80 of the window and not the first: a forecast that improved and then slipped
/// back and beyond has still slipped from what the delivery manager was last promised. Why working
/// days: a slip over the Spring Festival is not a slip of a week of work. Calibration runs fit a
/// different model, so their jumps are not slips; only `forecast` and `reforecast` runs count.
public struct ForecastSlipRule: Sendable, Hashable {
    /// A slip of more than this many working days flags the project.
    public var thresholdWorkingDays: Int
    /// How many of the latest forecasts are compared.
    public var window: Int

    /// Two working weeks across the last five forecasts.
    public static let standard = ForecastSlipRule(thresholdWorkingDays: 10, window: 5)

    public init(thresholdWorkingDays: Int, window: Int) {
        self.thresholdWorkingDays = max(0, thresholdWorkingDays)
        self.window = max(2, window)
    }

    /// Kinds of run whose P80 finishes are compared.
    public static let comparedKinds: Set<String> = ["forecast", "reforecast"]

    /// The slip when it is over the threshold, else nil. `history` is oldest first; `calendar`
    /// counts the working days (weekends off with no holidays when nil).
    public func slip(in history: [ForecastPoint], calendar: ProjectCalendar?) -> ForecastSlip? {
        let finishes = history.filter { Self.comparedKinds.contains($0.kind) }.compactMap(\.p80Finish).suffix(window)
        guard let latest = finishes.last, let earliest = finishes.min(), latest > earliest else { return nil }
        let rules = calendar ?? ProjectCalendar()
        let days = rules.working(from: earliest.adding(days: 1)).workingDays(through: latest)
        return days > thresholdWorkingDays ? ForecastSlip(from: earliest, to: latest, workingDays: days) : nil
    }
}
