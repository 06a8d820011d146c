extension MonteCarloEstimator {
    /// Turns the sampled columns into the result in linear passes. `totalBins` and `phaseBins` receive
    /// each trial's fine-histogram bin of the total and of the phase being summarised.
    ///
    /// The total column holds the weeks remaining after the status date; every figure of the total
    /// adds the elapsed weeks (a constant shift, so percentiles and ranks are unchanged by it).
    static func summarize(
        _ input: EstimateInput, model: ForecastModel, columns: UnsafeMutablePointer<Float>,
        totalBins: UnsafeMutablePointer<UInt16>, phaseBins: UnsafeMutablePointer<UInt16>
    ) -> EstimateResult {
        let n = input.trials
        let phaseCount = input.phases.count
        let totalColumn = UnsafePointer(columns + phaseCount * n)

        // The total's fine histogram is a whole multiple of the display histogram so its bins add up.
        let displayBins = input.histogramBins
        let perDisplayBin = Swift.max(1, (fineBins + displayBins - 1) / displayBins)
        let total = BinnedColumn(totalColumn, count: n, binCount: displayBins * perDisplayBin, bins: totalBins)
        let probabilities = reportedPercentiles.map { Double($0) / 100 }
        let remainingPercentiles = total.percentiles(probabilities, values: totalColumn, bins: totalBins)
        let elapsed = model.elapsedWeeks

        let calendar = model.calendar
        let percentiles = zip(reportedPercentiles, remainingPercentiles).map { p, remaining in
            let days = calendar.map { model.finishDay(remaining: remaining, calendar: $0) }
            return PercentileForecast(
                percentile: p, weeks: elapsed + remaining, workingDays: days,
                finishDate: days.flatMap { calendar?.date(ofWorkingDay: $0) })
        }

        var histogram: [HistogramBin] = []
        let width = (total.max - total.min) / Double(displayBins)
        for j in 0..<displayBins {
            let c = total.counts[(j * perDisplayBin)..<((j + 1) * perDisplayBin)].reduce(0, +)
            histogram.append(HistogramBin(
                lowerWeeks: elapsed + total.min + Double(j) * width,
                upperWeeks: elapsed + (j == displayBins - 1 ? total.max : total.min + Double(j + 1) * width),
                count: c, probability: Double(c) / Double(n)))
        }

        let totalRanks = total.centredRanks()
        let totalRankSS = total.rankSumOfSquares(totalRanks)
        var phases: [PhaseForecast] = []
        for (p, estimate) in input.phases.enumerated() {
            if case .done(let actual) = model.phases[p].state {
                // A done phase is a fact: report it exactly, not through the Float column.
                phases.append(PhaseForecast(
                    phase: estimate.phase, mean: actual, standardDeviation: 0, p10: actual, p50: actual, p80: actual, p90: actual,
                    actual: actual, rankCorrelation: 0, varianceShare: 0))
                continue
            }
            let column = UnsafePointer(columns + p * n)
            let stats = BinnedColumn(column, count: n, binCount: fineBins, bins: phaseBins)
            let pct = stats.percentiles([0.1, 0.5, 0.8, 0.9], values: column, bins: phaseBins)
            let ranks = stats.centredRanks()
            let rankSS = stats.rankSumOfSquares(ranks)
            var rankProducts = 0.0, crossProducts = 0.0
            ranks.withUnsafeBufferPointer { rp in
                totalRanks.withUnsafeBufferPointer { rt in
                    for i in 0..<n {
                        rankProducts += rp[Int(phaseBins[i])] * rt[Int(totalBins[i])]
                        crossProducts += Double(column[i]) * Double(totalColumn[i])
                    }
                }
            }
            let rho = rankSS > 0 && totalRankSS > 0 ? rankProducts / (rankSS * totalRankSS).squareRoot() : 0
            let covariance = crossProducts / Double(n) - stats.mean * total.mean
            phases.append(PhaseForecast(
                phase: estimate.phase, mean: stats.mean, standardDeviation: stats.standardDeviation,
                p10: pct[0], p50: pct[1], p80: pct[2], p90: pct[3], actual: nil,
                elapsed: model.phases[p].state.isRunning ? model.phases[p].spent : nil,
                rankCorrelation: rho, varianceShare: total.variance > 0 ? covariance / total.variance : 0))
        }
        let sensitivity = phases.map { SensitivityEntry(phase: $0.phase, rankCorrelation: $0.rankCorrelation) }
            .sorted { abs($0.rankCorrelation) > abs($1.rankCorrelation) }

        let (sCurve, meetsTarget) = sCurveAndTarget(input, model: model, total: total, totalColumn: totalColumn)
        return EstimateResult(
            trials: n, seed: input.seed,
            total: DurationSummary(
                mean: elapsed + total.mean, standardDeviation: total.standardDeviation, min: elapsed + total.min,
                max: elapsed + total.max),
            percentiles: percentiles, phases: phases, histogram: histogram, sCurve: sCurve, sensitivity: sensitivity,
            startDate: calendar?.startDate, targetDate: input.targetDate, probabilityOfMeetingTarget: meetsTarget,
            statusDate: input.statusDate, elapsedWeeks: elapsed, correlation: input.correlation, tail: input.tail,
            warnings: model.warnings)
    }

    /// The S-curve's points and the probability of meeting the target, from one pass over the totals.
    ///
    /// With a calendar the points are finish dates at working-day resolution between the earliest and
    /// the latest simulated finish, and a trial of `t` weeks finishes by working day `d` exactly when
    /// `t ≤ d / daysPerWeek` (see ``WorkingCalendar``), so each point's probability is exact for its
    /// date. Without a calendar the points are evenly spaced in weeks.
    static func sCurveAndTarget(
        _ input: EstimateInput, model: ForecastModel, total: BinnedColumn, totalColumn: UnsafePointer<Float>
    ) -> ([SCurvePoint], Double?) {
        let n = input.trials
        var thresholds: [Double] = []
        var days: [Int] = []
        let wanted = input.sCurvePoints
        if let calendar = model.calendar {
            let first = model.finishDay(remaining: total.min, calendar: calendar)
            let last = model.finishDay(remaining: total.max, calendar: calendar)
            let span = last - first
            let count = Swift.min(wanted, span + 1)
            for j in 0..<count {
                let d = count == 1 ? last : first + Int((Double(j) * Double(span) / Double(count - 1)).rounded())
                if days.last != d {
                    days.append(d)
                    thresholds.append(model.remainingThreshold(throughDay: d, calendar: calendar))
                }
            }
        } else {
            let span = total.max - total.min
            let count = span > 0 ? wanted : 1
            for j in 0..<count {
                thresholds.append(count == 1 ? total.max : total.min + Double(j) * span / Double(count - 1))
            }
        }
        var targetThreshold = -Double.infinity
        if let calendar = model.calendar, let target = input.targetDate {
            targetThreshold = model.remainingThreshold(throughDay: calendar.workingDays(through: target), calendar: calendar)
        }

        // counts[j] = trials whose total is ≤ thresholds[j] and > thresholds[j − 1].
        let j0 = thresholds.count
        var counts = [Int](repeating: 0, count: j0 + 1)
        var meets = 0
        let lo = thresholds[0]
        let step = j0 > 1 ? (thresholds[j0 - 1] - lo) / Double(j0 - 1) : 1
        thresholds.withUnsafeBufferPointer { th in
            counts.withUnsafeMutableBufferPointer { c in
                for i in 0..<n {
                    let t = Double(totalColumn[i])
                    if t <= targetThreshold { meets += 1 }
                    // Thresholds are close to evenly spaced: guess, then step to the first one ≥ t.
                    var j = step > 0 ? Int(Swift.max(0, Swift.min(Double(j0), ((t - lo) / step).rounded(.up)))) : 0
                    while j > 0 && th[j - 1] >= t { j -= 1 }
                    while j < j0 && th[j] < t { j += 1 }
                    c[j] += 1
                }
            }
        }
        var points: [SCurvePoint] = []
        var running = 0
        for j in 0..<j0 {
            running += counts[j]
            let day = days.isEmpty ? nil : days[j]
            points.append(SCurvePoint(
                weeks: day.map { Double($0) / model.calendar!.daysPerWeek } ?? model.elapsedWeeks + thresholds[j],
                workingDays: day, date: day.map { model.calendar!.date(ofWorkingDay: $0) },
                probability: Double(running) / Double(n)))
        }
        let probability = input.targetDate == nil ? nil : Double(meets) / Double(n)
        return (points, probability)
    }
}
