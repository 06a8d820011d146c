import FoundationEssentials
import GantryDomain

/// The whole portfolio at one moment: every project ranked by slip, the gates and go-lives still
/// ahead, and the counts a reader looks at first. Built by `PortfolioQuery` from a few set-based
/// statements; the counts are derived here from the rows, so they can never disagree with them.
public struct PortfolioSnapshot: Sendable, Hashable {
    /// When it was read; forecast ages are measured from here.
    public var generatedAt: Date
    /// The UTC day of `generatedAt`: a gate planned to end before it is overdue.
    public var today: CalendarDay
    /// Ranked: largest slip first, then projects without a target or a forecast, by name.
    public var projects: [PortfolioProjectRow]
    /// Earliest planned end first; gates without a planned end last.
    public var upcomingGates: [PortfolioGate]
    /// Earliest planned go-live first.
    public var goLives: [PortfolioGoLive]

    public init(
        generatedAt: Date, today: CalendarDay, projects: [PortfolioProjectRow], upcomingGates: [PortfolioGate],
        goLives: [PortfolioGoLive]
    ) {
        self.generatedAt = generatedAt
        self.today = today
        self.projects = projects
        self.upcomingGates = upcomingGates
        self.goLives = goLives
    }

    /// Projects per current phase, every phase in order (zero when none), then `nil` for projects
    /// whose phases are all done.
    public var byPhase: [(phase: DeliveryPhase?, projects: Int)] {
        let phases: [DeliveryPhase?] = DeliveryPhase.simulated.map { $0 } + [.maintenanceAndSupport, nil]
        return phases.map { phase in (phase, projects.filter { $0.currentPhase == phase }.count) }
    }

    /// Projects per status, every status (zero when none).
    public var byStatus: [(status: ProjectRecord.Status, projects: Int)] {
        ProjectRecord.Status.allCases.map { status in (status, projects.filter { $0.status == status }.count) }
    }

    /// Open projects (neither done nor cancelled) at risk, and the others.
    public var health: (atRisk: Int, onTrack: Int) {
        let open = projects.filter(\.isOpen)
        let atRisk = open.filter(\.atRisk).count
        return (atRisk, open.count - atRisk)
    }

    /// Seconds from the project's latest forecast to `generatedAt`; nil without a forecast.
    public func forecastAgeSeconds(_ row: PortfolioProjectRow) -> Int? {
        row.forecastCreatedAt.map { max(0, Int(generatedAt.timeIntervalSince($0).rounded(.down))) }
    }
}
