import GantryTesting
import GantryThreads
import Synchronization
import Testing

/// The mailbox's hand-offs, driven from the test's own thread with a wake-up that only counts.
@Suite struct MailboxTests {
    final class CountingWakeup: ThreadWakeup {
        let signals = Atomic<Int>(0)
        func signal() { signals.add(1, ordering: .relaxed) }
        func wait() {}
    }

    @Test func jobsComeOutInOrderAndTheThreadIsWokenOnlyWhenItSleeps() {
        let wakeup = CountingWakeup()
        let mailbox = Mailbox<Int>(wakeup: wakeup)
        #expect(mailbox.post(1))
        #expect(mailbox.post(2))
        #expect(wakeup.signals.load(ordering: .relaxed) == 0, "a busy thread needs no wake-up")
        #expect(mailbox.take().job == 1)
        #expect(mailbox.take().job == 2)
        #expect(mailbox.take().isEmpty)
        #expect(mailbox.post(3))
        #expect(wakeup.signals.load(ordering: .relaxed) == 1, "a sleeping thread is woken once")
        #expect(mailbox.post(4))
        #expect(wakeup.signals.load(ordering: .relaxed) == 1)
        #expect(mailbox.take().job == 3)
    }

    @Test func cancelledJobIsTakenBackBeforeItRuns() {
        let mailbox = Mailbox<Int>(wakeup: CountingWakeup())
        _ = mailbox.post(1)
        _ = mailbox.post(2)
        _ = mailbox.post(3)
        #expect(mailbox.removeQueued { $0 == 2 } == 2)
        #expect(mailbox.removeQueued { $0 == 2 } == nil)
        #expect(mailbox.take().job == 1)
        #expect(mailbox.isCurrent { $0 == 1 })
        #expect(mailbox.removeQueued { $0 == 1 } == nil, "a running job is no longer queued")
        mailbox.finishCurrent()
        #expect(!mailbox.isCurrent { $0 == 1 })
        #expect(mailbox.take().job == 3)
    }

    @Test func posterConditionIsCheckedUnderTheLock() {
        let mailbox = Mailbox<Int>(wakeup: CountingWakeup())
        #expect(mailbox.post(1, if: { false }) == .refused)
        #expect(mailbox.take().isEmpty)
    }

    @Test func closeReturnsPendingAndRunningJobsOnceAndRefusesLaterPosts() {
        let wakeup = CountingWakeup()
        let mailbox = Mailbox<Int>(wakeup: wakeup)
        _ = mailbox.post(1)
        _ = mailbox.post(2)
        _ = mailbox.post(3)
        _ = mailbox.take()
        let closing = mailbox.close()
        #expect(closing?.pending == [2, 3])
        #expect(closing?.current == 1)
        #expect(mailbox.close() == nil, "closing twice hands nothing back twice")
        #expect(mailbox.isClosed)
        #expect(!mailbox.post(4))
        #expect(mailbox.take().isClosed)
    }

    @Test func closeWakesASleepingThread() {
        let wakeup = CountingWakeup()
        let mailbox = Mailbox<Int>(wakeup: wakeup)
        #expect(mailbox.take().isEmpty)
        _ = mailbox.close()
        #expect(wakeup.signals.load(ordering: .relaxed) == 1)
    }

    @Test func queueCompactsWithoutLosingOrder() {
        var queue = JobQueue<Int>()
        for value in 0..<3000 { queue.append(value) }
        var taken: [Int] = []
        for _ in 0..<2500 { taken.append(queue.popFirst()!) }
        for value in 3000..<3100 { queue.append(value) }
        while let value = queue.popFirst() { taken.append(value) }
        #expect(taken == Array(0..<3100))
        #expect(queue.isEmpty)
    }

    @Test func threadRunsPostedJobsInOrderUntilClosed() async throws {
        let mailbox = Mailbox<@Sendable () -> Void>()
        let log = Recorder<Int>()
        let finished = TestExpectation("the thread left its loop")
        OSThread.detach(name: "test") {
            while let job = mailbox.next() { job() }
            finished.fulfill()
        }
        for index in 0..<100 { _ = mailbox.post { log.append(index) } }
        _ = mailbox.post { _ = mailbox.close() }
        try await finished.wait()
        #expect(log.all == Array(0..<100))
    }
}

extension Mailbox.Delivery {
    var job: Job? { if case .job(let job) = self { job } else { nil } }
    var isEmpty: Bool { if case .empty = self { true } else { false } }
    var isClosed: Bool { if case .closed = self { true } else { false } }
}
