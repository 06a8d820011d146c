import FoundationEssentials
import GantryDomain

/// One project as the portfolio ranks it: where it stands, and how far its latest forecast's P80
/// finish lies past its target.
public struct PortfolioProjectRow: Sendable, Hashable {
    public var id: UUID
    public var name: String
    public var status: ProjectRecord.Status
    /// The first phase, by order, that is not done; nil once every phase is done.
    public var currentPhase: DeliveryPhase?
    public var atRisk: Bool
    public var targetDate: CalendarDay?
    /// The latest estimate's P80 finish (any kind: a re-forecast replaces the forecast before it).
    public var p80Finish: CalendarDay?
    /// `p80Finish` minus `targetDate` in calendar days, negative when early; nil without either.
    public var slipDays: Int?
    /// When the latest estimate was made; nil when the project has none.
    public var forecastCreatedAt: Date?

    public init(
        id: UUID, name: String, status: ProjectRecord.Status, currentPhase: DeliveryPhase?, atRisk: Bool,
        targetDate: CalendarDay?, p80Finish: CalendarDay?, slipDays: Int?, forecastCreatedAt: Date?
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.currentPhase = currentPhase
        self.atRisk = atRisk
        self.targetDate = targetDate
        self.p80Finish = p80Finish
        self.slipDays = slipDays
        self.forecastCreatedAt = forecastCreatedAt
    }

    /// Whether the project still runs: health is judged over these only.
    public var isOpen: Bool { status != .done && status != .cancelled }
}
