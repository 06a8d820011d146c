/// What a person (through the API or the CLI) or a job asks of a project's progress.
public enum ProgressCommand: Sendable, Hashable {
    /// The step's work began (on the day the command is applied).
    case start(StepKey)
    /// The step is finished. A review gate needs `approvedBy`. A step that was never started is
    /// started on `startedOn` (for example the day an import began), or else on the day of completion.
    case complete(StepKey, approvedBy: String? = nil, startedOn: CalendarDay? = nil)

    public var step: StepKey {
        switch self {
        case .start(let key), .complete(let key, _, _): key
        }
    }
}
