import FoundationEssentials
import Glibc
import GantryCore
import GantryDomain
import GantryPostgresStore

/// The calibration mode's computation, free of I/O: the firm's finished projects as FactorCalibrator's
/// history, the fit, the coverage of past forecasts, and the project's forecast with the fitted table.
struct EstimateCalibration: Sendable {
    /// Trials of each re-simulated past forecast: coverage needs a P50 and a P80 per project, and
    /// 10^4 trials place them to well under a tenth of a week while a history of hundreds of
    /// projects still re-runs in about a second.
    static let coverageTrials = 10_000

    var history: [FinishedProject]
    var fit: CalibrationResult
    var coverage: CoverageReport
    /// The project's forecast input with the fitted multipliers (and σ, unless the payload set one).
    var input: EstimateInput
    var result: EstimateResult

    /// Finished projects as phase outcomes over the phases the forecast models.
    ///
    /// Planned weeks are the phase's base weeks in the project's latest baseline — the plan before
    /// factor multipliers, which is what the fit explains (`FinishedProjectQuery.Project.baseWeeks`;
    /// the planned span in calendar days over 7 for a project without one). Actual
    /// weeks are working days in `calendar`'s rules over its days per week, the unit of the engine
    /// and of a re-forecast's actuals. A phase with no working day (done over a holiday weekend) has
    /// no ratio to learn from and is left out; a project left with no phase is left out.
    static func history(
        from projects: [FinishedProjectQuery.Project], phases: [DeliveryPhase], calendar: WorkingCalendar
    ) throws(JobError) -> [FinishedProject] {
        var history: [FinishedProject] = []
        for project in projects {
            let factors = try Self.factors(project.factors, projectID: project.id)
            var outcomes: [PhaseOutcome] = []
            for record in project.phases {
                guard let phase = DeliveryPhase(rawValue: record.phase.rawValue), phases.contains(phase),
                    let plannedStart = record.plannedStart, let plannedEnd = record.plannedEnd,
                    let actualStart = record.actualStart, let actualEnd = record.actualEnd
                else { continue }
                let actual = Double(calendar.workingDays(from: actualStart, through: actualEnd)) / calendar.daysPerWeek
                let planned = project.baseWeeks[phase] ?? Double(plannedEnd.dayNumber - plannedStart.dayNumber + 1) / 7
                guard actual > 0, planned > 0 else { continue }
                outcomes.append(PhaseOutcome(phase: phase, plannedWeeks: planned, actualWeeks: actual))
            }
            guard !outcomes.isEmpty else { continue }
            var forecast: RecordedForecast?
            if let p50 = project.forecastP50Weeks, let p80 = project.forecastP80Weeks {
                forecast = RecordedForecast(p50Weeks: p50, p80Weeks: p80)
            }
            history.append(FinishedProject(id: project.id.uuidString.lowercased(), factors: factors, phases: outcomes, forecast: forecast))
        }
        return history
    }

    /// Fits the model with `base.multipliers` as the prior, measures coverage, and forecasts the
    /// project with the fitted model. CPU-bound: the caller runs it off the cooperative pool.
    ///
    /// Coverage judges the forecasts the firm had: a project's stored forecast when it has one,
    /// otherwise `base` re-run with that project's factors and no progress (the prior's forecast at
    /// its start). The fitted forecast is ``CalibrationResult/calibrated(_:keepingCorrelation:keepingTail:)``:
    /// each phase lognormal around its plan with the firm's spread, the firm's correlation and tail —
    /// except a correlation or tail the payload chose itself.
    static func run(
        base: EstimateInput, history: [FinishedProject], minimumObservations: Int, keepCorrelation: Bool, keepTail: Bool
    ) throws(JobError) -> EstimateCalibration {
        do {
            let fit = try FactorCalibrator.fit(history, prior: base.multipliers, minimumObservations: minimumObservations)
            let coverage = try FactorCalibrator.coverage(history) { project in
                var past = base
                past.factors = project.factors
                past.actuals = [:]
                past.progress = [:]
                past.statusDate = nil
                past.calendar = nil
                past.targetDate = nil
                past.trials = min(base.trials, coverageTrials)
                return past
            }
            let input = fit.calibrated(base, keepingCorrelation: keepCorrelation, keepingTail: keepTail)
            try input.validate()
            let result = try MonteCarloEstimator.simulate(input)
            return EstimateCalibration(history: history, fit: fit, coverage: coverage, input: input, result: result)
        } catch let error as DomainError where error.code == .insufficientHistory {
            throw JobError.permanent(
                "\(EstimateSimulateKind.name) calibration: \(error.message) (\(history.count) finished projects)")
        } catch let error as DomainError {
            throw JobError.permanent("\(EstimateSimulateKind.name) calibration: \(error.field): \(error.message) (\(error.code))")
        } catch {
            throw JobError.permanent("\(EstimateSimulateKind.name) calibration: \(error)")
        }
    }

    /// The stored result: the forecast (an `EstimateResult`, so readers of `estimates.result`
    /// decode every kind alike) plus `calibration` and `coverage`.
    func resultJSON() throws -> JSONValue {
        guard case .object(var object) = EstimateRequest.json(result) else {
            throw JobError.permanent("the engine's result did not encode as a JSON object")
        }
        object["calibration"] = EstimateRequest.json(fit)
        object["coverage"] = EstimateRequest.json(coverage)
        return .object(object)
    }

    /// A stored project's factors as the domain's (the two share their JSON).
    static func factors(_ factors: ProjectFactors, projectID: UUID) throws(JobError) -> DeliveryFactors {
        do {
            return try JSONDecoder().decode(DeliveryFactors.self, from: JSONEncoder().encode(factors))
        } catch {
            throw JobError.permanent("\(EstimateSimulateKind.name) calibration: project \(projectID) has factors the domain does not know: \(error)")
        }
    }
}
