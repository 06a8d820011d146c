/// What changed in a project, as the phase model reports it: the store writes each one to the
/// outbox (`project_events`) in the transaction that made the change, and the coordinator's
/// follow-up chains are triggered by them.
public struct ProgressEvent: Sendable, Hashable, Codable {
    /// The outbox's `type` column.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case stepStarted = "step_started"
        case stepCompleted = "step_completed"
        /// A review gate was approved (also reported as its step's `step_completed`).
        case gateApproved = "gate_approved"
        case phaseStarted = "phase_started"
        /// Every work step of the phase is done; its review gate waits.
        case phaseInReview = "phase_in_review"
        case phaseCompleted = "phase_completed"
        case projectStarted = "project_started"
        /// Deployment & training is done: the client's system is live.
        case projectLive = "project_live"
        case projectCompleted = "project_completed"
        /// A phase ran past its forecast P80.
        case projectAtRisk = "project_at_risk"
        case projectBackOnTrack = "project_back_on_track"
    }

    public var kind: Kind
    public var phase: DeliveryPhase?
    public var step: String?
    /// The day it happened (a start or an end date).
    public var day: CalendarDay
    public var approvedBy: String?
    /// For risk events: the phase past its P80, its days so far and its P80 in days.
    public var daysElapsed: Int?
    public var p80Days: Int?
    /// For a risk event raised by the forecast trend: working days the P80 finish slipped, and the
    /// latest P80 finish.
    public var slipWorkingDays: Int?
    public var p80Finish: CalendarDay?

    public init(
        _ kind: Kind, phase: DeliveryPhase? = nil, step: String? = nil, day: CalendarDay, approvedBy: String? = nil,
        daysElapsed: Int? = nil, p80Days: Int? = nil, slipWorkingDays: Int? = nil, p80Finish: CalendarDay? = nil
    ) {
        self.kind = kind
        self.phase = phase
        self.step = step
        self.day = day
        self.approvedBy = approvedBy
        self.daysElapsed = daysElapsed
        self.p80Days = p80Days
        self.slipWorkingDays = slipWorkingDays
        self.p80Finish = p80Finish
    }

    enum CodingKeys: String, CodingKey {
        case kind = "type"
        case phase, step, day
        case approvedBy = "approved_by"
        case daysElapsed = "days_elapsed"
        case p80Days = "p80_days"
        case slipWorkingDays = "slip_working_days"
        case p80Finish = "p80_finish"
    }
}
