import Glibc

/// Bounded waits for state that has no event to wait on (a port that starts answering, a pid that goes away).
/// Every wait in this module goes through here, so none is unbounded.
enum Poll {
    /// Re-checks `condition` every `interval`, blocking the thread, until it holds (true) or `timeout` has
    /// passed (false). For the synchronous start and stop of test servers.
    static func blocking(timeout: Duration, every interval: Duration = .milliseconds(20), _ condition: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        let micros = useconds_t(interval.components.attoseconds / 1_000_000_000_000 + interval.components.seconds * 1_000_000)
        while !condition() {
            if clock.now >= deadline { return false }
            usleep(micros)
        }
        return true
    }
}
