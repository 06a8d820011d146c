import GantryPostgresStore

/// The follow-up chains while this coordinator leads: a ``FollowUpDispatcher`` round every
/// `interval`, its transaction fenced by the term's token.
public struct FollowUpDispatch: CoordinatorDuty {
    public let name = "follow-ups"
    public let interval: Duration
    let dispatcher: FollowUpDispatcher

    public init(dispatcher: FollowUpDispatcher, interval: Duration = .milliseconds(250)) {
        self.dispatcher = dispatcher
        self.interval = interval
    }

    public func perform(in term: LeaderTerm) async throws {
        try term.checkCurrent()
        try await dispatcher.dispatch { tx in try await tx.coordinatorFence.claim(term.token, holder: term.coordinatorID) }
    }
}

/// Sends again the follow-up jobs whose enqueue may have been lost to a crash after their commit
/// (``FollowUpDispatcher/repair(olderThanSeconds:)``). Rare work, on a slow timer: re-sending is
/// harmless, but a long queue would make every round re-send what is merely waiting.
public struct FollowUpRepair: CoordinatorDuty {
    public let name = "follow-up-repair"
    public let interval: Duration
    let dispatcher: FollowUpDispatcher

    public init(dispatcher: FollowUpDispatcher, interval: Duration = .seconds(30)) {
        self.dispatcher = dispatcher
        self.interval = interval
    }

    public func perform(in term: LeaderTerm) async throws {
        try term.checkCurrent()
        try await dispatcher.repair(olderThanSeconds: 60)
    }
}
