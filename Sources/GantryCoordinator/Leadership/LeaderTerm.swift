import Synchronization

/// One term of leadership: the fencing token drawn when the lock was taken, and who holds it.
///
/// Every leader-only write carries the token: PostgreSQL transactions start with
/// `tx.coordinatorFence.claim(term.token, holder: term.coordinatorID)`, which a newer leader's
/// token refuses. `isCurrent` turns false the moment the elector ends the term (lock lost, renewal
/// late, shutdown), so a duty can stop between steps of a long round without waiting to be cancelled.
public struct LeaderTerm: Sendable {
    public let token: UInt64
    public let coordinatorID: String
    let validity: TermValidity

    public init(token: UInt64, coordinatorID: String) {
        self.token = token
        self.coordinatorID = coordinatorID
        self.validity = TermValidity()
    }

    /// True until the elector ends this term.
    public var isCurrent: Bool { validity.isCurrent }

    /// Throws `LeaderTermError.ended` once the term is over: call it before each step that acts.
    public func checkCurrent() throws(LeaderTermError) {
        guard isCurrent else { throw LeaderTermError(token: token, coordinatorID: coordinatorID) }
    }

    /// Ends the term (the elector's call).
    func end() { validity.end() }
}

/// Shared by every copy of one `LeaderTerm`: the flag the elector clears when the term ends.
final class TermValidity: Sendable {
    private let current = Atomic<Bool>(true)
    var isCurrent: Bool { current.load(ordering: .acquiring) }
    func end() { current.store(false, ordering: .releasing) }
}
