/// One lease of one job, as the holder presents it to extend, ack, fail, release or report
/// progress: the job's ID and the lease's own fencing token.
///
/// The token, not the worker's ID, proves ownership: when a lease lapses while its run goes on
/// (a worker cut off from Redis for longer than the lease) and the job is leased again, even to
/// the same worker, the two runs hold different tokens, so the old run can never settle, extend or
/// report for the new one.
public struct Lease: Sendable, Hashable, CustomStringConvertible {
    public var id: JobID
    public var token: LeaseToken
    public init(id: JobID, token: LeaseToken) {
        self.id = id
        self.token = token
    }
    public var description: String { "\(id)@\(token)" }
}
