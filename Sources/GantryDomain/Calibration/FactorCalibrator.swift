import FoundationEssentials
import Glibc

/// Fits the forecast model to finished projects and checks how well past forecasts covered actuals.
///
/// The model is the engine's, in logarithms: `log(actual / planned) = log bias[phase] + Σ over
/// factors log multiplier[factor][level] + ε + s`, where ε is normal with spread σ per phase and
/// correlation r between the phases of one project (the copula's body), and s is a project's
/// black-swan shift (0, or with the tail's probability a lognormal log-multiplier). The multipliers are
/// fitted by least squares,
/// with `medium` held at the prior's value for every factor (the reference level: without it, a
/// factor's levels and the phase biases could trade a constant and the fit would not be unique).
/// Least squares on logs makes each multiplier a geometric mean of ratios — the median, which is
/// what a calibrated forecast centres each phase's lognormal on, so the forecast is not biased
/// early by e^(−σ²/2). A tiny ridge toward the prior keeps the system solvable when the history's
/// levels are confounded.
///
/// σ is the residuals' spread: in a calibrated forecast it replaces the three-point range (which
/// it already contains, since planned was a point inside that range), so spread is counted once.
/// The tail is fitted by EM on each project's mean residual (``fitTail``) and kept only when it
/// explains the history clearly better than the body alone.
public enum FactorCalibrator {
    /// Fits the table. Levels seen in fewer than `minimumObservations` phase outcomes keep the prior.
    public static func fit(
        _ history: [FinishedProject], prior: FactorMultipliers = .defaults, minimumObservations: Int = 3
    ) throws -> CalibrationResult {
        // Rows: one per phase outcome with positive planned and actual weeks.
        var rows: [(phase: DeliveryPhase, levels: [String], y: Double)] = []
        var projectOfRow: [Int] = []
        for (p, project) in history.enumerated() {
            for (i, outcome) in project.phases.enumerated() {
                let field = "history[\(p)].phases[\(i)]"
                guard outcome.plannedWeeks.isFinite, outcome.plannedWeeks > 0 else {
                    throw DomainError(.invalidValue, field: "\(field).planned_weeks", "must be a positive number of weeks")
                }
                guard outcome.actualWeeks.isFinite, outcome.actualWeeks > 0 else {
                    throw DomainError(.invalidValue, field: "\(field).actual_weeks", "must be a positive number of weeks")
                }
                let f = project.factors
                // The reference level's prior is a known offset, not a parameter.
                var y = log(outcome.actualWeeks / outcome.plannedWeeks)
                var levels: [String] = []
                for level in [
                    "client_size.\(f.clientSize.rawValue)", "complexity.\(f.complexity.rawValue)",
                    "team_capability.\(f.teamCapability.rawValue)",
                    "management_efficiency.\(f.managementEfficiency.rawValue)",
                ] {
                    if level.hasSuffix(".medium") { y -= log(Self.priorValue(level, prior)) } else { levels.append(level) }
                }
                rows.append((outcome.phase, levels, y))
                projectOfRow.append(p)
            }
        }
        guard !rows.isEmpty else {
            throw DomainError(.insufficientHistory, field: "history", "no phase outcomes to fit")
        }

        // Columns: a bias per phase seen, then each non-reference level seen often enough.
        var levelCounts: [String: Int] = [:]
        for row in rows { for l in row.levels { levelCounts[l, default: 0] += 1 } }
        let phases = DeliveryPhase.allCases.filter { p in rows.contains { $0.phase == p } }
        let allLevels = Self.levelNames()
        let fitted = allLevels.filter { (levelCounts[$0] ?? 0) >= minimumObservations }
        let unfitted = allLevels.filter { (levelCounts[$0] ?? 0) < minimumObservations }
        let columnOfPhase = Dictionary(uniqueKeysWithValues: phases.enumerated().map { ($1, $0) })
        let columnOfLevel = Dictionary(uniqueKeysWithValues: fitted.enumerated().map { ($1, phases.count + $0) })
        let k = phases.count + fitted.count

        // Prior in log space: phase bias from the prior table, levels from the prior table.
        var priorTheta = [Double](repeating: 0, count: k)
        for (p, c) in columnOfPhase { priorTheta[c] = log(prior.phaseBias[p] ?? 1) }
        for (l, c) in columnOfLevel { priorTheta[c] = log(Self.priorValue(l, prior)) }

        var xtx = [Double](repeating: 0, count: k * k)
        for row in rows {
            var cols = [columnOfPhase[row.phase]!]
            for l in row.levels { if let c = columnOfLevel[l] { cols.append(c) } }
            for a in cols { for b in cols { xtx[a * k + b] += 1 } }
        }
        let ridge = 1e-6
        for c in 0..<k { xtx[c * k + c] += ridge }

        // One least-squares fit of the body given each row's expected black-swan log shift, which the
        // tail's EM updates; returns the parameters and each row's residual (without the shift).
        func fitBody(shift: [Double]) throws -> (theta: [Double], residuals: [Double]) {
            var rhs = [Double](repeating: 0, count: k)
            for (r, row) in rows.enumerated() {
                var y = row.y - shift[r]
                var cols = [columnOfPhase[row.phase]!]
                for l in row.levels {
                    if let c = columnOfLevel[l] { cols.append(c) } else { y -= log(Self.priorValue(l, prior)) }
                }
                for a in cols { rhs[a] += y }
            }
            for c in 0..<k { rhs[c] += ridge * priorTheta[c] }
            let theta = try solve(xtx, rhs, k)
            let residuals = rows.map { row in
                var predicted = theta[columnOfPhase[row.phase]!]
                for l in row.levels {
                    predicted += columnOfLevel[l].map { theta[$0] } ?? log(Self.priorValue(l, prior))
                }
                return row.y - predicted
            }
            return (theta, residuals)
        }

        let noShift = [Double](repeating: 0, count: rows.count)
        let dof = Swift.max(1, rows.count - k)
        var body = try fitBody(shift: noShift)
        var spread = Self.spread(residuals: body.residuals, projects: projectOfRow, dof: dof)
        var tail = OverrunTail.none
        if var fitted = Self.fitTail(residuals: body.residuals, projects: projectOfRow, dof: dof) {
            // Refit the body with each project's expected swan shift taken out, then the tail again.
            for _ in 0..<Self.tailRounds {
                let shift = projectOfRow.map { fitted.responsibility[$0] * fitted.meanLogShift }
                let refit = try fitBody(shift: shift)
                // The tail is fitted on residuals that still hold the swans' shifts.
                guard let next = Self.fitTail(residuals: refit.residuals, projects: projectOfRow, dof: dof) else { break }
                body = refit
                fitted = next
            }
            spread = fitted.body
            tail = fitted.tail
        }

        var table = prior
        for (p, c) in columnOfPhase { table.phaseBias[p] = exp(body.theta[c]) }
        for (l, c) in columnOfLevel { Self.setValue(l, exp(body.theta[c]), &table) }
        return CalibrationResult(
            multipliers: table, residualLogSigma: spread.sigma,
            rankCorrelation: PhaseCorrelation.rankCorrelation(forNormal: spread.normalCorrelation), tail: tail,
            projectCount: history.count, observationCount: rows.count, unfittedLevels: unfitted)
    }

    /// Compares each project's actual total with its forecast P50 and P80: the recorded forecast when
    /// there is one, otherwise the engine re-run on the input `forecastInput` returns (nil skips it).
    public static func coverage(
        _ history: [FinishedProject], forecastInput: (FinishedProject) -> EstimateInput? = { _ in nil }
    ) throws -> CoverageReport {
        var evaluated = 0, skipped = 0, under50 = 0, under80 = 0
        for project in history {
            let band: RecordedForecast
            if let recorded = project.forecast {
                band = recorded
            } else if let input = forecastInput(project) {
                let result = try MonteCarloEstimator.simulate(input)
                band = RecordedForecast(p50Weeks: result.percentile(50)!.weeks, p80Weeks: result.percentile(80)!.weeks)
            } else {
                skipped += 1
                continue
            }
            evaluated += 1
            let actual = project.actualTotalWeeks
            if actual <= band.p50Weeks { under50 += 1 }
            if actual <= band.p80Weeks { under80 += 1 }
        }
        return CoverageReport(evaluated: evaluated, skipped: skipped, underP50: under50, underP80: under80)
    }

    /// Every non-reference level as `factor.level`.
    static func levelNames() -> [String] {
        ClientSize.allCases.filter { $0 != .reference }.map { "client_size.\($0.rawValue)" }
            + RequirementComplexity.allCases.filter { $0 != .reference }.map { "complexity.\($0.rawValue)" }
            + TeamCapability.allCases.filter { $0 != .reference }.map { "team_capability.\($0.rawValue)" }
            + ManagementEfficiency.allCases.filter { $0 != .reference }.map { "management_efficiency.\($0.rawValue)" }
    }

    static func priorValue(_ name: String, _ t: FactorMultipliers) -> Double {
        let parts = name.split(separator: ".").map(String.init)
        let value: Double? = switch parts[0] {
        case "client_size": ClientSize(rawValue: parts[1]).flatMap { t.clientSize[$0] }
        case "complexity": RequirementComplexity(rawValue: parts[1]).flatMap { t.complexity[$0] }
        case "team_capability": TeamCapability(rawValue: parts[1]).flatMap { t.teamCapability[$0] }
        default: ManagementEfficiency(rawValue: parts[1]).flatMap { t.managementEfficiency[$0] }
        }
        return value ?? 1
    }

    static func setValue(_ name: String, _ value: Double, _ t: inout FactorMultipliers) {
        let parts = name.split(separator: ".").map(String.init)
        switch parts[0] {
        case "client_size": if let l = ClientSize(rawValue: parts[1]) { t.clientSize[l] = value }
        case "complexity": if let l = RequirementComplexity(rawValue: parts[1]) { t.complexity[l] = value }
        case "team_capability": if let l = TeamCapability(rawValue: parts[1]) { t.teamCapability[l] = value }
        default: if let l = ManagementEfficiency(rawValue: parts[1]) { t.managementEfficiency[l] = value }
        }
    }

    /// Gaussian elimination with partial pivoting on the k×k normal equations (k ≤ 17).
    static func solve(_ a: [Double], _ b: [Double], _ k: Int) throws -> [Double] {
        var m = a, rhs = b
        for col in 0..<k {
            var pivot = col
            for r in (col + 1)..<Swift.max(col + 1, k) where abs(m[r * k + col]) > abs(m[pivot * k + col]) { pivot = r }
            guard abs(m[pivot * k + col]) > 1e-12 else {
                throw DomainError(.insufficientHistory, field: "history", "the history cannot separate the factors")
            }
            if pivot != col {
                for c in 0..<k { m.swapAt(col * k + c, pivot * k + c) }
                rhs.swapAt(col, pivot)
            }
            for r in (col + 1)..<Swift.max(col + 1, k) {
                let f = m[r * k + col] / m[col * k + col]
                if f == 0 { continue }
                for c in col..<k { m[r * k + c] -= f * m[col * k + c] }
                rhs[r] -= f * rhs[col]
            }
        }
        var x = [Double](repeating: 0, count: k)
        for r in stride(from: k - 1, through: 0, by: -1) {
            var s = rhs[r]
            for c in (r + 1)..<Swift.max(r + 1, k) { s -= m[r * k + c] * x[c] }
            x[r] = s / m[r * k + r]
        }
        return x
    }
}
