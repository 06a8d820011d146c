import GantryCore
import GantryDomain
import GantryKinds

/// A chain of jobs that a project event sets off, declared as data: a trigger, and steps that run
/// one after another, each a job kind with a payload template and a condition.
///
/// Payload templates are JSON whose string values may hold `${name}` placeholders, filled from the
/// triggering event and from what earlier steps produced (see ``FollowUpContext``). A step's job
/// has the previous step's job as its parent, and a unique key made of the trigger's ID, the chain
/// and the step, so each step runs once per trigger however often it is dispatched.
public struct FollowUpChain: Sendable, Hashable {
    public var name: String
    public var trigger: ProgressEvent.Kind
    public var steps: [FollowUpStep]

    public init(name: String, trigger: ProgressEvent.Kind, steps: [FollowUpStep]) {
        self.name = name
        self.trigger = trigger
        self.steps = steps
    }
}

/// One step of a ``FollowUpChain``.
public struct FollowUpStep: Sendable, Hashable {
    /// When the step runs; a step whose condition fails is recorded as `skipped` and ends its chain.
    public enum Condition: String, Sendable, Hashable, Codable {
        case always
        /// The report just built has a RAG status other than the project's previous report's (a
        /// first report always counts as a change).
        case ragChanged = "rag_changed"
    }

    public var kind: String
    public var payload: JSONValue
    public var condition: Condition
    /// Fields of the job's result kept with the step (and offered to later steps as `${field}`).
    public var keep: [String]

    public init(kind: String, payload: JSONValue, when condition: Condition = .always, keep: [String] = []) {
        self.kind = kind
        self.payload = payload
        self.condition = condition
        self.keep = keep
    }
}

extension FollowUpChain {
    /// The chains the coordinator runs (issue 13):
    /// - `phase-done`: a phase is done → re-forecast the project → build its status report → tell
    ///   its stakeholders when the report's red/amber/green status changed.
    /// - `at-risk`: a phase ran past its P80, or the P80 finish slipped across recent forecasts → tell
    ///   the stakeholders.
    public static let defaults: [FollowUpChain] = [
        FollowUpChain(
            name: "phase-done", trigger: .phaseCompleted,
            steps: [
                FollowUpStep(kind: EstimateSimulateKind.name, payload: ["project_id": "${project_id}"]),
                FollowUpStep(
                    kind: ReportBuildKind.name, payload: ["project_id": "${project_id}", "formats": ["html", "json"]],
                    keep: ["rag", "report_id"]),
                FollowUpStep(
                    kind: NotifySendKind.name,
                    payload: [
                        "project_id": "${project_id}",
                        "event": [
                            "id": "${event_id}:rag",
                            "type": "phase_changed",
                            "subject": "${phase_title} is done; schedule status ${rag_title}",
                            "data": [
                                "phase": "${phase}", "rag": "${rag}", "previous_rag": "${previous_rag}",
                                "report_id": "${report_id}",
                            ],
                        ],
                    ],
                    when: .ragChanged),
            ]),
        FollowUpChain(
            name: "at-risk", trigger: .projectAtRisk,
            steps: [
                FollowUpStep(
                    kind: NotifySendKind.name,
                    payload: [
                        "project_id": "${project_id}",
                        "event": [
                            "id": "${event_id}", "type": "forecast_at_risk",
                            "subject": "At risk: ${risk_summary}",
                            "data": [
                                "phase": "${phase}", "days_elapsed": "${days_elapsed}", "p80_days": "${p80_days}",
                                "slip_working_days": "${slip_working_days}", "p80_finish": "${p80_finish}",
                            ],
                        ],
                    ]),
            ]),
    ]
}
