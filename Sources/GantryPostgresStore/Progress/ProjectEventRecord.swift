import FoundationEssentials
import GantryDomain
import Glibc

/// One row of the `project_events` outbox: a ``ProgressEvent`` of one project, with its identity
/// (follow-ups and notifications are idempotent on `id`) and its place in the dispatch order (`seq`).
public struct ProjectEventRecord: Sendable, Hashable {
    public var seq: Int64
    public var id: UUID
    public var projectID: UUID
    public var event: ProgressEvent
    /// Who caused it: a token's name, `import <id>`, or `coordinator`.
    public var actor: String?
    public var occurredAt: Date
    public var dispatchedAt: Date?

    public init(
        seq: Int64, id: UUID, projectID: UUID, event: ProgressEvent, actor: String?, occurredAt: Date,
        dispatchedAt: Date?
    ) {
        self.seq = seq
        self.id = id
        self.projectID = projectID
        self.event = event
        self.actor = actor
        self.occurredAt = occurredAt
        self.dispatchedAt = dispatchedAt
    }
}

/// What ``ProgressRepository/apply(_:to:on:actor:)`` did: the project's progress after the
/// command, and the events it wrote to the outbox.
public struct ProgressOutcome: Sendable, Hashable {
    public var progress: ProjectProgress
    public var events: [ProjectEventRecord]
}
