import FoundationEssentials

/// One stored forecast of a project, as its history shows it: when it was made, by which kind of
/// run, and the finish dates and on-time probability it gave. A list of them, oldest first, is the
/// trend a delivery manager reads a slip from.
public struct ForecastPoint: Sendable, Hashable {
    public var estimateID: UUID
    public var createdAt: Date
    /// `forecast`, `reforecast` or `calibration` (the `estimates.kind` column).
    public var kind: String
    public var p50Finish: CalendarDay?
    public var p80Finish: CalendarDay?
    public var probabilityOnTime: Double?

    public init(
        estimateID: UUID, createdAt: Date, kind: String, p50Finish: CalendarDay?, p80Finish: CalendarDay?,
        probabilityOnTime: Double?
    ) {
        self.estimateID = estimateID
        self.createdAt = createdAt
        self.kind = kind
        self.p50Finish = p50Finish
        self.p80Finish = p80Finish
        self.probabilityOnTime = probabilityOnTime
    }
}
