/// A job handed to a consumer: its envelope (with the current attempt, 1 on first run), the
/// lease's fencing token, and its deadline.
public struct LeasedJob: Sendable, Hashable {
    public var envelope: JobEnvelope
    public var token: LeaseToken
    public var leaseDeadlineMs: Int64
    public init(envelope: JobEnvelope, token: LeaseToken, leaseDeadlineMs: Int64) {
        self.envelope = envelope
        self.token = token
        self.leaseDeadlineMs = leaseDeadlineMs
    }
    public var id: JobID { envelope.id }
    public var lease: Lease { Lease(id: envelope.id, token: token) }
}
