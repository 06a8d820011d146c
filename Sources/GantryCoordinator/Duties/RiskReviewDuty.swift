import GantryCore
import GantryDomain
import GantryPostgresStore

/// The at-risk rule for every open project, once a minute while this coordinator leads (a phase
/// can run past its P80 with nobody touching the project), each review fenced by the term's token.
public struct RiskReviewDuty: CoordinatorDuty {
    public let name = "risk-review"
    public let interval: Duration
    let review: RiskReview

    public init(review: RiskReview, interval: Duration = .seconds(60)) {
        self.review = review
        self.interval = interval
    }

    public func perform(in term: LeaderTerm) async throws {
        try term.checkCurrent()
        try await review.run(on: CalendarDay(unixMilliseconds: WallClock.nowMs())) { tx in
            try term.checkCurrent()
            try await tx.coordinatorFence.claim(term.token, holder: term.coordinatorID)
        }
    }
}
