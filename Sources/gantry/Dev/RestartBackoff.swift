/// How long `gantry dev` waits before restarting a worker that died: short the first time (a worker killed by
/// accident should be back at once), doubling while the worker keeps dying soon after it starts (a bad URL or a
/// crash at start must not spin the CPU and flood the log), and short again once a worker has run for a while.
/// A value: the supervisor feeds it each run's length and sleeps for what it returns.
struct RestartBackoff: Sendable {
    var first: Duration = .milliseconds(500)
    var maximum: Duration = .seconds(30)
    /// A run at least this long counts as healthy and resets the backoff.
    var healthyRun: Duration = .seconds(30)

    private var consecutiveShortRuns = 0

    /// The delay before the next start, given how long the worker that just died had run.
    mutating func delay(afterRunOf length: Duration) -> Duration {
        if length >= healthyRun { consecutiveShortRuns = 0 }
        consecutiveShortRuns += 1
        var delay = first
        for _ in 1..<consecutiveShortRuns {
            delay *= 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
