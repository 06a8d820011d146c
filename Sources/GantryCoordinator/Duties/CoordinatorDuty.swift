/// Work the coordinator does while it leads, every `interval`: housekeeping of the queues, firing
/// schedules, dispatching follow-ups. The coordinator runs each duty only while it leads, cancels
/// it when leadership is lost, and logs and counts a failure without stopping (the next round runs
/// as usual). A duty that writes PostgreSQL starts each transaction with the term's fence claim.
public protocol CoordinatorDuty: Sendable {
    /// For logs and metrics (`gantry_coordinator_duty_runs_total{duty="…"}`).
    var name: String { get }
    /// The pause between the end of one round and the start of the next.
    var interval: Duration { get }
    func perform(in term: LeaderTerm) async throws
}
