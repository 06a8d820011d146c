/// A duty found its term over: the coordinator stopped leading while it ran.
public struct LeaderTermError: Error, Sendable, Hashable, CustomStringConvertible {
    public var token: UInt64
    public var coordinatorID: String
    public var description: String { "termEnded: the leadership term \(token) of \(coordinatorID) is over" }
}
