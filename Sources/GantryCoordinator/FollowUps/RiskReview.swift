import FoundationEssentials
import GantryDomain
import GantryPostgresStore
import Glibc

/// Re-reads the at-risk rule for every open project as of a day: a phase can run past its P80
/// with nobody touching the project, so the leader does this on a timer (the rule also runs with
/// every progress command and after every re-forecast). Its half about the forecast trend flags a
/// project whose P80 finish slipped by more than `slipRule`'s working days across its recent
/// forecasts, read from the project's forecast history.
public struct RiskReview: Sendable {
    let store: GantryStore
    let slipRule: ForecastSlipRule

    public init(store: GantryStore, slipRule: ForecastSlipRule = .standard) {
        self.store = store
        self.slipRule = slipRule
    }

    /// Reviews each open project in a transaction of its own that starts with `fence`.
    /// - Returns: the risk events recorded (`project_at_risk`, `project_back_on_track`).
    @discardableResult
    public func run(on day: CalendarDay, fence: @Sendable (StoreTransaction) async throws -> Void) async throws -> Int {
        var changes = 0
        for projectID in try await store.progress.openProjectIDs() {
            changes += try await store.transaction { tx in
                try await fence(tx)
                return try await ProgressRepository(executor: tx.executor, slipRule: slipRule)
                    .review(projectID, on: day, actor: "coordinator").events.count
            }
        }
        return changes
    }
}
