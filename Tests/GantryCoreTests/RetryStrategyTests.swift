import GantryCore
import Testing

@Suite("Retry strategies")
struct RetryStrategyTests {
    @Test
    func exponentialWithoutJitterDoublesUpToTheCap() {
        let s = RetryStrategy.exponential(baseMs: 100, capMs: 1_000, jitter: false)
        #expect((1...6).map { s.delayMs(afterAttempt: $0) } == [100, 200, 400, 800, 1_000, 1_000])
        #expect(s.delayMs(afterAttempt: 500) == 1_000)
    }

    @Test
    func fullJitterStaysWithinZeroAndTheCeilingAndVaries() {
        let s = RetryStrategy.exponential(baseMs: 100, capMs: 10_000)
        let samples = (0..<500).compactMap { _ in s.delayMs(afterAttempt: 4) }
        #expect(samples.allSatisfy { (0...800).contains($0) })
        #expect(Set(samples).count > 50)
    }

    @Test
    func fixedAndNone() {
        #expect(RetryStrategy.fixed(ms: 250).delayMs(afterAttempt: 9) == 250)
        #expect(RetryStrategy.none.delayMs(afterAttempt: 1) == nil)
    }
}
