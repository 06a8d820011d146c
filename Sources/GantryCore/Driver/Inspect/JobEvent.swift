/// One state change of a batch of jobs (events are per transition, not per job, to keep the hot
/// path cheap: a lease of 500 jobs is one event).
public struct JobEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case enqueued, leased, acked, retrying, dead, released, promoted, reclaimed, cancelled, cancelRequested = "cancel_requested", revived, progress
    }
    public var cursor: String
    public var kind: Kind
    public var ids: [JobID]
    public var atMs: Int64
    public init(cursor: String, kind: Kind, ids: [JobID], atMs: Int64) {
        self.cursor = cursor
        self.kind = kind
        self.ids = ids
        self.atMs = atMs
    }
}
