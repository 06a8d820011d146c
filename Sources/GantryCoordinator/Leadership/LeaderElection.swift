/// The elector as a pure state machine: events in (clock ticks, the answers of the lock), actions
/// out (ask for the lock, renew it, start or stop leading, release it). `LeaderElector` does the
/// I/O; the tests drive this with no server and no clock.
///
/// Times are `Duration`s on one monotonic clock (the elector's start is zero). A term is valid from
/// the moment the acquiring or renewing call was *sent* (Redis starts the lock's expiry later than
/// that, never earlier) until `ttl - margin` after it. A tick past that ends the term at once, even
/// while a renewal is still in flight: a leader cut off from Redis stops acting before its lock can
/// expire and another coordinator can take over, so two leaders never act at the same time (the
/// margin covers clock drift and the time it takes to stop).
public struct LeaderElection: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// The lock's expiry, set by every acquisition and renewal.
        public var ttl: Duration
        /// How often the leader renews.
        public var renewInterval: Duration
        /// How long before the expiry a leader whose renewals fail stops acting.
        public var margin: Duration
        /// How often a follower tries to take the lock.
        public var retryInterval: Duration

        public init(
            ttl: Duration = .seconds(3), renewInterval: Duration = .seconds(1), margin: Duration = .milliseconds(750),
            retryInterval: Duration = .milliseconds(500)
        ) {
            self.ttl = ttl
            self.renewInterval = renewInterval
            self.margin = margin
            self.retryInterval = retryInterval
        }
    }

    public enum Event: Sendable, Hashable {
        /// The clock moved on.
        case tick(now: Duration)
        /// The lock was taken, with this fencing token.
        case acquired(token: UInt64)
        /// Another coordinator holds the lock, or the call failed.
        case acquireFailed
        /// The renewal went through.
        case renewed
        /// The renewal failed: `lost` when the lock is someone else's (or gone), not when the call
        /// itself failed (then the term lasts until its deadline, and the next renewal may succeed).
        case renewFailed(lost: Bool)
        /// The coordinator is shutting down.
        case stop
    }

    public enum StopReason: String, Sendable, Hashable {
        /// The lock is no longer ours.
        case lost
        /// No renewal went through in time: stop before the lock can expire.
        case renewalLate
        /// Shutting down.
        case stopping
    }

    public enum Action: Sendable, Hashable {
        case tryAcquire
        case renew(token: UInt64)
        case startLeading(token: UInt64)
        case stopLeading(token: UInt64, reason: StopReason)
        /// Give the lock up (a check-and-delete: harmless when it is no longer ours).
        case release(token: UInt64)
    }

    enum State: Sendable, Hashable {
        case follower(nextAttemptAt: Duration, acquiringSince: Duration?)
        case leader(token: UInt64, validUntil: Duration, nextRenewAt: Duration, renewingSince: Duration?)
        case stopped
    }

    public let configuration: Configuration
    private(set) var state: State = .follower(nextAttemptAt: .zero, acquiringSince: nil)
    /// The last time seen, for answers (which carry none) to be dated by the request they answer.
    private var now: Duration = .zero

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The token of the current term, nil when not leading.
    public var leaderToken: UInt64? {
        if case .leader(let token, _, _, _) = state { return token }
        return nil
    }

    public var isStopped: Bool { state == .stopped }

    private var validity: Duration { configuration.ttl - configuration.margin }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.stopped, .acquired(let token)):
            // An acquisition that finished after the stop: hand the lock straight back.
            return [.release(token: token)]
        case (.stopped, _):
            return []

        case (_, .stop):
            defer { state = .stopped }
            if case .leader(let token, _, _, _) = state {
                return [.stopLeading(token: token, reason: .stopping), .release(token: token)]
            }
            return []

        case (.follower(let next, let since), .tick(let t)):
            now = max(now, t)
            guard since == nil, now >= next else { return [] }
            state = .follower(nextAttemptAt: next, acquiringSince: now)
            return [.tryAcquire]
        case (.follower(_, let since?), .acquired(let token)):
            state = .leader(
                token: token, validUntil: since + validity, nextRenewAt: since + configuration.renewInterval, renewingSince: nil)
            // An answer that came back too late to lead on is given up at once (the next tick would).
            if now >= since + validity {
                state = .follower(nextAttemptAt: now + configuration.retryInterval, acquiringSince: nil)
                return [.release(token: token)]
            }
            return [.startLeading(token: token)]
        case (.follower(_, let since?), .acquireFailed):
            state = .follower(nextAttemptAt: since + configuration.retryInterval, acquiringSince: nil)
            return []
        case (.follower, _):
            return []

        case (.leader(let token, let validUntil, let nextRenew, let renewing), .tick(let t)):
            now = max(now, t)
            if now >= validUntil {
                state = .follower(nextAttemptAt: now + configuration.retryInterval, acquiringSince: nil)
                return [.stopLeading(token: token, reason: .renewalLate), .release(token: token)]
            }
            guard renewing == nil, now >= nextRenew else { return [] }
            state = .leader(token: token, validUntil: validUntil, nextRenewAt: nextRenew, renewingSince: now)
            return [.renew(token: token)]
        case (.leader(let token, let validUntil, _, let since?), .renewed):
            state = .leader(
                token: token, validUntil: max(validUntil, since + validity), nextRenewAt: since + configuration.renewInterval,
                renewingSince: nil)
            return []
        case (.leader(let token, _, _, _), .renewFailed(lost: true)):
            state = .follower(nextAttemptAt: now + configuration.retryInterval, acquiringSince: nil)
            return [.stopLeading(token: token, reason: .lost)]
        case (.leader(let token, let validUntil, _, let since?), .renewFailed(lost: false)):
            // Try again soon; the deadline stays where the last good renewal put it.
            state = .leader(
                token: token, validUntil: validUntil, nextRenewAt: since + configuration.retryInterval / 2, renewingSince: nil)
            return []
        case (.leader, _):
            return []
        }
    }
}
