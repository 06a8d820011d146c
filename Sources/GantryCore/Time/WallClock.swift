import FoundationEssentials

/// Wall-clock milliseconds. Redis scripts use the server's `TIME` instead, so workers on hosts
/// with skewed clocks still agree on lease deadlines.
public enum WallClock {
    public static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// `start + duration`, saturating at `Int64.max`/`Int64.min`: a deadline computed from a value
    /// that came from outside (a job's timeout, a retry delay read back from Redis) must never trap
    /// the process that computes it, and "never" is the right meaning of an absurd deadline.
    public static func adding(_ duration: Int64, to start: Int64) -> Int64 {
        let (sum, overflow) = start.addingReportingOverflow(duration)
        guard overflow else { return sum }
        return duration > 0 ? .max : .min
    }
}
