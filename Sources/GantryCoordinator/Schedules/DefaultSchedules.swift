import GantryCore

/// The schedules every installation starts with (`source = 'default'`): created when absent and
/// never overwritten, so an operator who paused or edited one keeps it that way.
public enum DefaultSchedules {
    /// Nightly re-forecast of every planned or active project: one `estimate.simulate` per project.
    public static let nightlyReforecast = ScheduleDefinition(
        name: "nightly-reforecast", cron: "0 2 * * *", kind: "estimate.simulate",
        payload: .object([ScheduleDefinition.forEachKey: .string(ScheduleDefinition.forEachOpenProject)]))
    /// Weekly portfolio report, Monday morning.
    public static let weeklyPortfolioReport = ScheduleDefinition(
        name: "weekly-portfolio-report", cron: "0 6 * * MON", kind: "report.build", payload: .object(["scope": "portfolio"]))
    /// Hourly dead-letter digest: dead jobs per queue and kind over the last hour, from the job
    /// history; logged by the coordinator and exported as `gantry_dead_letters_last_hour`.
    public static let hourlyDeadLetterDigest = ScheduleDefinition(
        name: "hourly-dead-letter-digest", cron: "@hourly", kind: ScheduleDefinition.deadLetterDigestKind)

    public static let all = [nightlyReforecast, weeklyPortfolioReport, hourlyDeadLetterDigest]
}
