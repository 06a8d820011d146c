/// What a heartbeat learnt, per lease (a worker may hold a lapsed lease and the new one of the
/// same job at once, so IDs alone would be ambiguous).
public struct LeaseExtension: Sendable, Hashable {
    public var extended: [Lease]
    /// No longer held: lapsed and reclaimed, cancelled, finished, or replaced by another lease.
    public var lost: [Lease]
    public var cancelRequested: [Lease]
    public init(extended: [Lease] = [], lost: [Lease] = [], cancelRequested: [Lease] = []) {
        self.extended = extended
        self.lost = lost
        self.cancelRequested = cancelRequested
    }
}
