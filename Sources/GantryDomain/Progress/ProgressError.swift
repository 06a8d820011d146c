import GantryErrors

/// A progress command the phase model refuses, with the step and a message that says what must
/// happen first. The API answers 409 for every code but `unknown_step` and `invalid_value` (400: the
/// request is wrong, not the project's state).
public struct ProgressError: CodedError, Hashable {
    public typealias Code = ErrorCode<ProgressError>

    public var code: Code
    public var message: String
    /// The step the command named, as written.
    public var step: String?

    public init(_ code: Code, step: String? = nil, _ message: String) {
        self.code = code
        self.step = step
        self.message = message
    }

    public var context: [(label: String, value: String?)] { [("step", step)] }
}

extension ErrorCode where Owner == ProgressError {
    /// Not `phase.step`, or the phase has no such step.
    public static var unknownStep: Self { "unknown_step" }
    /// The phase cannot start: the one before is not done (its review gate is not approved, or
    /// steps are left).
    public static var phaseNotOpen: Self { "phase_not_open" }
    /// The review gate cannot be approved while other steps of its phase are open.
    public static var gateNotReady: Self { "gate_not_ready" }
    /// A review gate was completed without saying who approved it.
    public static var approvalRequired: Self { "approval_required" }
    /// The step was already started (for `start`).
    public static var stepAlreadyStarted: Self { "step_already_started" }
    /// The step is done already.
    public static var stepAlreadyDone: Self { "step_already_done" }
    /// The project is done, on hold or cancelled.
    public static var projectClosed: Self { "project_closed" }
    /// The day given is before the step's start (an end cannot precede its start).
    public static var dateBeforeStart: Self { "date_before_start" }
    /// A field of the command is malformed (a blank or too long approver).
    public static var invalidValue: Self { "invalid_value" }
}
