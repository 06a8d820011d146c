import GantryCoordinator
import Testing

/// The elector's state machine with no server and no clock: times are given, answers are events.
@Suite("Leader election (state machine)")
struct LeaderElectionTests {
    // ttl 3 s, renew every 1 s, stop 0.75 s before the expiry, followers retry every 0.5 s.
    let configuration = LeaderElection.Configuration(
        ttl: .seconds(3), renewInterval: .seconds(1), margin: .milliseconds(750), retryInterval: .milliseconds(500))

    func ms(_ n: Int) -> Duration { .milliseconds(n) }

    /// A machine that leads with `token`, having sent its acquisition at 0.
    func leading(_ token: UInt64 = 7) -> LeaderElection {
        var m = LeaderElection(configuration: configuration)
        _ = m.handle(.tick(now: .zero))
        _ = m.handle(.acquired(token: token))
        return m
    }

    @Test
    func aFollowerAsksForTheLockAndLeadsWithTheTokenItGets() {
        var m = LeaderElection(configuration: configuration)
        #expect(m.handle(.tick(now: .zero)) == [.tryAcquire])
        // One request at a time: ticks while it is in flight ask nothing more.
        #expect(m.handle(.tick(now: ms(100))) == [])
        #expect(m.handle(.acquired(token: 7)) == [.startLeading(token: 7)])
        #expect(m.leaderToken == 7)
    }

    @Test
    func aFollowerThatFindsTheLockHeldAsksAgainAfterTheRetryInterval() {
        var m = LeaderElection(configuration: configuration)
        _ = m.handle(.tick(now: .zero))
        #expect(m.handle(.acquireFailed) == [])
        #expect(m.handle(.tick(now: ms(499))) == [])
        #expect(m.handle(.tick(now: ms(500))) == [.tryAcquire])
        #expect(m.leaderToken == nil)
    }

    @Test
    func aLeaderRenewsEveryRenewIntervalAndKeepsLeadingWhileRenewalsSucceed() {
        var m = leading()
        #expect(m.handle(.tick(now: ms(999))) == [])
        #expect(m.handle(.tick(now: ms(1_000))) == [.renew(token: 7)])
        #expect(m.handle(.tick(now: ms(1_100))) == [])
        #expect(m.handle(.renewed) == [])
        #expect(m.handle(.tick(now: ms(2_000))) == [.renew(token: 7)])
        #expect(m.handle(.renewed) == [])
        // Valid until 2 s + 3 s - 0.75 s: well past the first term's deadline.
        #expect(m.handle(.tick(now: ms(3_000))) == [.renew(token: 7)])
        #expect(m.leaderToken == 7)
    }

    @Test
    func aLeaderWhoseRenewalHangsStopsBeforeItsLockCanExpire() {
        var m = leading()
        #expect(m.handle(.tick(now: ms(1_000))) == [.renew(token: 7)])
        // No answer: the term, which began when the acquisition was sent (0), ends at 3 s - 0.75 s.
        #expect(m.handle(.tick(now: ms(2_249))) == [])
        #expect(m.handle(.tick(now: ms(2_250))) == [.stopLeading(token: 7, reason: .renewalLate), .release(token: 7)])
        #expect(m.leaderToken == nil)
        // A renewal answered after the term ended does not bring it back.
        #expect(m.handle(.renewed) == [])
        #expect(m.leaderToken == nil)
        #expect(m.handle(.tick(now: ms(2_750))) == [.tryAcquire])
    }

    @Test
    func aLeaderWhoseRenewalsFailKeepsTryingUntilItsDeadlineThenStops() {
        var m = leading()
        #expect(m.handle(.tick(now: ms(1_000))) == [.renew(token: 7)])
        #expect(m.handle(.renewFailed(lost: false)) == [])
        #expect(m.handle(.tick(now: ms(1_250))) == [.renew(token: 7)])
        #expect(m.handle(.renewFailed(lost: false)) == [])
        #expect(m.leaderToken == 7)
        #expect(m.handle(.tick(now: ms(2_250))) == [.stopLeading(token: 7, reason: .renewalLate), .release(token: 7)])
    }

    @Test
    func aLeaderThatFindsTheLockTakenStopsAtOnce() {
        var m = leading()
        _ = m.handle(.tick(now: ms(1_000)))
        #expect(m.handle(.renewFailed(lost: true)) == [.stopLeading(token: 7, reason: .lost)])
        #expect(m.leaderToken == nil)
    }

    @Test
    func anAcquisitionAnsweredTooLateToLeadOnIsGivenBack() {
        var m = LeaderElection(configuration: configuration)
        _ = m.handle(.tick(now: .zero))
        _ = m.handle(.tick(now: ms(2_500)))
        #expect(m.handle(.acquired(token: 9)) == [.release(token: 9)])
        #expect(m.leaderToken == nil)
    }

    @Test
    func stoppingALeaderEndsItsTermAndReleasesTheLock() {
        var m = leading()
        #expect(m.handle(.stop) == [.stopLeading(token: 7, reason: .stopping), .release(token: 7)])
        #expect(m.isStopped)
        #expect(m.handle(.tick(now: ms(5_000))) == [])
    }

    @Test
    func anAcquisitionThatLandsAfterTheStopIsReleasedAtOnce() {
        var m = LeaderElection(configuration: configuration)
        _ = m.handle(.tick(now: .zero))
        #expect(m.handle(.stop) == [])
        #expect(m.handle(.acquired(token: 3)) == [.release(token: 3)])
    }
}
