import FoundationEssentials
import GantryCore
import Glibc

/// One step of a follow-up chain run for one triggering event (`follow_ups`).
public struct FollowUpRecord: Sendable, Hashable {
    /// `enqueued` while its job has not finished; then `done` or `failed`. `skipped` when its
    /// condition did not hold (for example a notification when the RAG status did not change).
    public enum State: String, Sendable, Hashable, CaseIterable, Codable {
        case enqueued, done, skipped, failed
    }

    public var id: UUID
    public var projectID: UUID
    public var chain: String
    public var triggerEvent: UUID
    public var step: Int
    public var kind: String
    /// The job that runs the step; `nil` for a skipped step.
    public var jobID: UUID?
    public var state: State
    /// What the step produced (a report's `rag`) or why it was skipped or failed.
    public var detail: JSONValue
    public var createdAt: Date
    public var finishedAt: Date?

    public init(
        id: UUID, projectID: UUID, chain: String, triggerEvent: UUID, step: Int, kind: String, jobID: UUID?,
        state: State, detail: JSONValue, createdAt: Date, finishedAt: Date?
    ) {
        self.id = id
        self.projectID = projectID
        self.chain = chain
        self.triggerEvent = triggerEvent
        self.step = step
        self.kind = kind
        self.jobID = jobID
        self.state = state
        self.detail = detail
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}

/// An open follow-up whose job has finished: its successful result, or the outcome it died with.
public struct FinishedFollowUp: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case succeeded(JSONValue?)
        /// `dead` or `cancelled`, with the last error.
        case failed(outcome: String, error: String?)
    }

    public var followUp: FollowUpRecord
    public var outcome: Outcome
}
