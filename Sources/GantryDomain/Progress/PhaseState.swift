/// Where a phase or a step stands (the `state` checks of `phases` and `phase_steps`).
///
/// `in_review` is a phase whose work steps are done and whose review gate waits for approval;
/// `blocked` is set by hand (an operator's hold) and is not entered by ``ProjectProgress``.
public enum PhaseState: String, Sendable, Hashable, CaseIterable, Codable {
    case pending, active
    case inReview = "in_review"
    case done, blocked
}
