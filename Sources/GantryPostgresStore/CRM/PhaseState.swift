/// Where a phase or a step stands (the `state` checks of `phases` and `phase_steps`).
public enum PhaseState: String, Sendable, Hashable, CaseIterable, Codable {
    case pending, active
    case inReview = "in_review"
    case done, blocked
}
