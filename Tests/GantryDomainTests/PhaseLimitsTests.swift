import Testing
@testable import GantryDomain

/// The at-risk rule's limits come from forecasts that sampled a phase in full, not from re-forecasts
/// that already knew how long the running phase had taken.
@Suite struct PhaseLimitsTests {
    static func phase(_ phase: DeliveryPhase, p80: Double, elapsed: Double? = nil, actual: Double? = nil) -> PhaseForecast {
        PhaseForecast(
            phase: phase, mean: p80, standardDeviation: 1, p10: p80 - 2, p50: p80 - 1, p80: p80, p90: p80 + 1, actual: actual,
            elapsed: elapsed, rankCorrelation: 0, varianceShare: 0)
    }

    @Test func theRunningPhaseKeepsTheLimitFromBeforeItStarted() {
        let newest = [
            Self.phase(.requirementsAnalysis, p80: 3, actual: 3),
            Self.phase(.systemDesign, p80: 9, elapsed: 8),
            Self.phase(.developmentAndTesting, p80: 11),
        ]
        let before = [Self.phase(.requirementsAnalysis, p80: 3.5), Self.phase(.systemDesign, p80: 5.5), Self.phase(.developmentAndTesting, p80: 10.5)]
        let limits = PhaseLimits(forecasts: [newest, before])
        #expect(limits.p80Days[.systemDesign] == 39)  // 5.5 weeks, not the re-forecast's 9
        #expect(limits.p80Days[.developmentAndTesting] == 77)  // the newest full forecast of it
        #expect(limits.p80Days[.requirementsAnalysis] == 25)  // done in the newest; its last full forecast
    }

    @Test func aPhaseOnlyEverForecastWhileRunningHasNoLimit() {
        let limits = PhaseLimits(forecasts: [[Self.phase(.systemDesign, p80: 9, elapsed: 8)]])
        #expect(limits.p80Days[.systemDesign] == nil)
    }
}
