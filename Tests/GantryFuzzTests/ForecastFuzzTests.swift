import Glibc
import PropertyBased
import Testing
@testable import GantryDomain

/// Random forecasts that validation accepts: no sampled duration below zero, no NaN or infinity
/// anywhere in the result, percentiles that never decrease, and no finish before the status date
/// (issue 14's property tests). Inputs span the whole schema: every distribution, zero-width and
/// very wide estimates, correlations from −0.3 to 0.99, risks down to the phase's maximum and up to
/// ten years, the tail, undated actuals, and dated progress with a running phase far past its range.
@Suite struct ForecastFuzzTests {
    /// (min, mode as a fraction of the range, width, distribution).
    static let phase = zip(Gen.double(in: 0...30), Gen.double(in: 0...1), Gen.double(in: 0...40), Gen.int(in: 0...2))
    /// (probability, impact as a fraction: negative of the phase's maximum, positive of ten years, phase index).
    static let risk = zip(Gen.double(in: 0...1), Gen.double(in: -1...1), Gen.int(in: 0...3))
    static let input = zip(
        phase.array(of: 1...4), Gen.double(in: -0.3...0.99), risk.array(of: 0...4), Gen.int(in: 0...4),
        Gen.int(in: 0...2), Gen.int(in: 0...200))

    static func build(
        _ value: (
            [(Double, Double, Double, Int)], Double, [(Double, Double, Int)], Int, Int, Int
        )
    ) -> EstimateInput {
        let (phaseSpecs, rank, riskSpecs, started, tailChoice, lateDays) = value
        let distributions: [DurationDistribution] = [.pert, .triangular, .lognormal]
        let phases = zip(DeliveryPhase.simulated, phaseSpecs).map { phase, spec in
            let distribution = distributions[spec.3]
            let minimum = distribution == .lognormal ? Swift.max(0.05, spec.0) : spec.0
            let width = distribution == .lognormal ? Swift.max(0.01, spec.2) : spec.2
            return PhaseEstimate(
                phase, weeks: ThreePointEstimate(min: minimum, mode: minimum + spec.1 * width, max: minimum + width),
                distribution: distribution)
        }
        let risks = riskSpecs.map { spec -> RiskEvent in
            let target = phases[spec.2 % phases.count]
            let impact = spec.1 < 0 ? spec.1 * target.weeks.max : spec.1 * RiskEvent.maximumImpactWeeks
            return RiskEvent(probability: spec.0, impactWeeks: impact, phase: target.phase)
        }
        let tails: [OverrunTail] = [.none, .flyvbjerg, OverrunTail(probability: 0.9, medianMultiplier: 20, sigma: 2)]
        var input = EstimateInput(
            phases: phases, correlation: .uniform(rank), tail: tails[tailChoice], risks: risks, trials: 500, seed: UInt64(lateDays))
        let start = CalendarDay("2026-01-05")!
        input.calendar = WorkingCalendar(startDate: start, holidays: [CalendarDay("2026-02-17")!])
        input.targetDate = start.adding(days: 7 * lateDays)
        if started > 0 {
            // Phases done one after another, the last started one still running, `lateDays` after its start.
            var day = start
            for (i, phase) in phases.prefix(started).enumerated() {
                let finished = i < Swift.min(started, phases.count) - 1 ? day.adding(days: Int(phase.weeks.max * 7) + 3) : nil
                input.progress[phase.phase] = PhaseDates(started: day, finished: finished)
                day = (finished ?? day).adding(days: 1)
            }
            input.statusDate = day.adding(days: lateDays)
        }
        return input
    }

    static func violation(of input: EstimateInput) -> String? {
        do {
            try input.validate()
        } catch {
            return "refused an input built to be valid: \(error)"
        }
        let result: EstimateResult
        let draws: (phases: [[Double]], remaining: [Double])
        do {
            result = try MonteCarloEstimator.simulate(input)
            draws = try MonteCarloEstimator.draws(input)
        } catch {
            return "threw \(error)"
        }
        for (p, column) in draws.phases.enumerated() {
            if let bad = column.first(where: { !$0.isFinite || $0 < 0 }) { return "phase \(p) drew \(bad)" }
        }
        if let bad = draws.remaining.first(where: { !$0.isFinite || $0 < 0 }) { return "remaining weeks \(bad)" }
        let numbers = [result.total.mean, result.total.standardDeviation, result.total.min, result.total.max, result.elapsedWeeks]
            + result.percentiles.map(\.weeks) + result.histogram.flatMap { [$0.lowerWeeks, $0.upperWeeks, $0.probability] }
            + result.sCurve.flatMap { [$0.weeks, $0.probability] } + result.sensitivity.map(\.rankCorrelation)
            + result.phases.flatMap { [$0.mean, $0.standardDeviation, $0.p10, $0.p50, $0.p80 ?? 0, $0.p90, $0.varianceShare] }
        if let bad = numbers.first(where: { !$0.isFinite }) { return "a figure is \(bad)" }
        if result.total.min < 0 { return "total min \(result.total.min)" }
        let weeks = result.percentiles.map(\.weeks)
        if zip(weeks, weeks.dropFirst()).contains(where: { $0 > $1 }) { return "percentiles decrease: \(weeks)" }
        let dates = result.percentiles.compactMap(\.finishDate)
        if zip(dates, dates.dropFirst()).contains(where: { $0 > $1 }) { return "finish dates decrease: \(dates)" }
        for phase in result.phases {
            let ladder = [phase.p10, phase.p50, phase.p80 ?? phase.p50, phase.p90]
            if phase.p10 < 0 || zip(ladder, ladder.dropFirst()).contains(where: { $0 > $1 }) { return "\(phase.phase) percentiles \(ladder)" }
        }
        let probabilities = result.sCurve.map(\.probability)
        if zip(probabilities, probabilities.dropFirst()).contains(where: { $0 > $1 }) || probabilities.contains(where: { $0 < 0 || $0 > 1 }) {
            return "S-curve not a CDF: \(probabilities)"
        }
        if let status = input.statusDate, draws.remaining.contains(where: { $0 > 0 }),
            let early = dates.first(where: { $0 <= status }), result.percentiles.first(where: { $0.finishDate == early })!.weeks > result.elapsedWeeks
        {
            return "finishes \(early), not after the status date \(status)"
        }
        return nil
    }

    @Test func noAcceptedInputGivesANegativeDurationANaNOrADecreasingPercentile() {
        fuzz("forecast properties", seed: "q2X8m0ZJcTrfzj2nC0P0y5lX6uYkQv7e4QmB8wT1hUo=", quick: 300, input: Self.input) { value, result in
            if let failure = Self.violation(of: Self.build(value)) { result.expect(false, failure) }
        }
    }
}
