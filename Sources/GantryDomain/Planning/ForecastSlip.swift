/// How far a project's P80 finish moved out across its recent forecasts (``ForecastSlipRule``).
public struct ForecastSlip: Sendable, Hashable {
    /// The earliest P80 finish among the recent forecasts.
    public var from: CalendarDay
    /// The latest forecast's P80 finish.
    public var to: CalendarDay
    /// Working days after `from` through `to`, in the project's calendar.
    public var workingDays: Int

    public init(from: CalendarDay, to: CalendarDay, workingDays: Int) {
        self.from = from
        self.to = to
        self.workingDays = workingDays
    }
}
