public struct JobFailure: Sendable, Hashable {
    public var lease: Lease
    public var error: String
    /// nil: permanent, straight to the dead letter whatever the attempts left.
    public var retryDelayMs: Int64?
    public init(lease: Lease, error: String, retryDelayMs: Int64?) {
        self.lease = lease
        self.error = error
        self.retryDelayMs = retryDelayMs
    }
    public var id: JobID { lease.id }
}
