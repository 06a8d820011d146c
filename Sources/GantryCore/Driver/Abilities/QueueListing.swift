/// An optional ability: naming every queue that was ever enqueued to (for `gantry queues`, the API's
/// queue list, the dashboard and the metrics).
public protocol QueueListing: Sendable {
    /// Every queue name ever enqueued to, sorted.
    func queueNames() async throws -> [QueueName]
}
