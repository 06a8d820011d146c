import FoundationEssentials
import GantryDomain

/// What the HTML templates see of a project report: every value already formatted as text, so the
/// templates hold layout only and the engine escapes everything they print.
///
/// Plain structs with stored properties, because swift-mustache looks values up by reflection.
struct ProjectView: Sendable {
    struct Phase: Sendable {
        var title: String
        var state: String
        var plannedStart: String
        var plannedEnd: String
        var actualStart: String
        var actualEnd: String
        var variance: String
        var steps: String
        var percent: String
    }

    struct Forecast: Sendable {
        var kind: String
        var trials: String
        var p50Weeks: String
        var p80Weeks: String
        var p90Weeks: String
        var p50Finish: String
        var p80Finish: String
        var p90Finish: String
        var target: String
        var probability: String
        var histogram: ChartView
        var sCurve: ChartView
        /// "as of 2026-04-07; phases rank-correlated at 0.3; black swans 17 %": what the figures assume.
        var assumptions: String
        var warnings: [String]
    }

    struct Risk: Sendable {
        var name: String
        var phase: String
        var probability: String
        var impact: String
    }

    /// One forecast of the P80 trend: its day, kind, P80 finish, that finish's move since the first
    /// forecast shown, and the on-time probability.
    struct TrendPoint: Sendable {
        var day: String
        var kind: String
        var p80Finish: String
        var slip: String
        var probability: String
    }

    struct Job: Sendable {
        var jobID: String
        var kind: String
        var outcome: String
        var attempt: String
        var finishedAt: String
        var duration: String
        var error: String
    }

    struct Migration: Sendable {
        var entity: String
        var sourceName: String
        var status: String
        var sourceRows: String
        var created: String
        var updated: String
        var unchanged: String
        var rejected: String
        var missing: String
        var batches: String
    }

    var anchor: String
    var projectID: String
    var name: String
    var client: String
    var status: String
    var startDate: String
    var targetDate: String
    var generatedAt: String
    var rag: String
    var ragTitle: String
    var ragColour: String
    var steps: String
    var percent: String
    var phases: [Phase]
    var forecast: Forecast?
    var risks: [Risk]
    var trend: [TrendPoint]
    var jobs: [Job]
    var migrations: [Migration]
    /// Whether each list has rows: the templates open a table only then. Stored, not computed,
    /// because the engine's reflection sees stored properties only.
    var hasRisks: Bool
    var hasTrend: Bool
    var hasJobs: Bool
    var hasMigrations: Bool

    init(_ report: ProjectStatusReport) {
        anchor = "project-" + report.projectID.uuidString.lowercased()
        projectID = report.projectID.uuidString.lowercased()
        name = report.name
        client = report.clientName
        status = report.status.replacing("_", with: " ")
        startDate = "\(report.startDate)"
        targetDate = Self.date(report.targetDate)
        generatedAt = report.generatedAt
        rag = report.rag.rawValue
        ragTitle = report.rag.title
        ragColour = report.rag.colour
        steps = "\(report.stepsDone) of \(report.stepsTotal)"
        percent = "\(report.percentDone)%"
        phases = report.phases.map { row in
            Phase(
                title: row.title, state: row.state.replacing("_", with: " "), plannedStart: Self.date(row.plannedStart),
                plannedEnd: row.plannedEnd.map { "\($0)" } ?? "ongoing", actualStart: Self.date(row.actualStart),
                actualEnd: Self.date(row.actualEnd),
                variance: row.endVarianceDays.map { $0 > 0 ? "+\($0) d" : "\($0) d" } ?? "—",
                steps: "\(row.stepsDone)/\(row.stepsTotal)", percent: "\(row.percentDone)%")
        }
        forecast = report.forecast.map(Self.forecast)
        risks = (report.forecast?.risks ?? []).map { risk in
            Risk(
                name: risk.name.isEmpty ? "(unnamed)" : risk.name, phase: risk.phase.title,
                probability: ReportNumber.percent(risk.probability), impact: ReportNumber.fixed(risk.impactWeeks, 1) + " wk")
        }
        // One forecast is no trend: the section shows from the second on.
        trend = report.forecastTrend.count >= 2 ? Self.trend(report.forecastTrend) : []
        jobs = report.recentJobs.map { job in
            Job(
                jobID: job.jobID, kind: job.kind, outcome: job.outcome.replacing("_", with: " "), attempt: "\(job.attempt)",
                finishedAt: job.finishedAt, duration: job.durationMs.map { "\($0) ms" } ?? "—", error: job.error ?? "")
        }
        migrations = report.migrations.map { row in
            Migration(
                entity: row.entity, sourceName: row.sourceName, status: row.status, sourceRows: "\(row.sourceRows)",
                created: "\(row.createdRows)", updated: "\(row.updatedRows)", unchanged: "\(row.unchangedRows)",
                rejected: "\(row.rejectedRows)", missing: "\(row.missingRows)", batches: "\(row.batchesDone)/\(row.batchCount)")
        }
        hasRisks = !risks.isEmpty
        hasTrend = !trend.isEmpty
        hasJobs = !jobs.isEmpty
        hasMigrations = !migrations.isEmpty
    }

    static func forecast(_ forecast: ReportForecast) -> Forecast {
        var markers: [(label: String, weeks: Double)] = [("P50", forecast.p50Weeks), ("P80", forecast.p80Weeks)]
        if let target = forecast.targetWeeks { markers.append(("Target", target)) }
        return Forecast(
            kind: forecast.kind, trials: "\(forecast.trials)", p50Weeks: ReportNumber.fixed(forecast.p50Weeks, 1),
            p80Weeks: ReportNumber.fixed(forecast.p80Weeks, 1), p90Weeks: forecast.p90Weeks.map { ReportNumber.fixed($0, 1) } ?? "—",
            p50Finish: date(forecast.p50Finish), p80Finish: date(forecast.p80Finish), p90Finish: date(forecast.p90Finish),
            target: date(forecast.targetDate), probability: forecast.probabilityOnTime.map(ReportNumber.percent) ?? "—",
            histogram: ChartView(HistogramChart(bins: forecast.histogram, markers: markers), title: "Histogram of total duration"),
            sCurve: ChartView(SCurveChart(points: forecast.sCurve, markers: markers), title: "S-curve: probability of finishing within"),
            assumptions: assumptions(of: forecast), warnings: forecast.warnings)
    }

    static func assumptions(of forecast: ReportForecast) -> String {
        var parts: [String] = []
        if let status = forecast.statusDate { parts.append("as of \(status)") }
        if let rho = forecast.rankCorrelation {
            parts.append("phases rank-correlated at \(ReportNumber.fixed(rho, 2))")
        } else {
            parts.append("phases correlated by a matrix")
        }
        parts.append(forecast.tailProbability > 0 ? "black swans \(ReportNumber.percent(forecast.tailProbability))" : "no black-swan tail")
        return parts.joined(separator: "; ")
    }

    /// The trend's rows; the slip is in calendar days after the first P80 finish shown.
    static func trend(_ points: [ForecastPoint]) -> [TrendPoint] {
        let first = points.lazy.compactMap(\.p80Finish).first
        return points.map { point in
            let slip = first.flatMap { first in point.p80Finish.map { first.days(until: $0) } }
            return TrendPoint(
                day: "\(CalendarDay(unixMilliseconds: Int64(point.createdAt.timeIntervalSince1970 * 1000)))", kind: point.kind,
                p80Finish: date(point.p80Finish), slip: slip.map { $0 > 0 ? "+\($0) d" : "\($0) d" } ?? "—",
                probability: point.probabilityOnTime.map(ReportNumber.percent) ?? "—")
        }
    }

    static func date(_ day: CalendarDay?) -> String { day.map { "\($0)" } ?? "—" }
}
