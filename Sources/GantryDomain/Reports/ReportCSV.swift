import FoundationEssentials

/// CSV of report models, as RFC 4180 describes it: CRLF line ends, and a field quoted (with its
/// quotes doubled) when it holds a comma, a quote, a CR or an LF.
///
/// Text that people typed (project and client names) is also guarded against spreadsheet formula
/// injection: a cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe, so a project
/// named `=HYPERLINK(…)` is shown, not run, when the file is opened in a spreadsheet (OWASP's advice).
/// Numbers and dates are written as they are.
public enum ReportCSV {
    /// The phase table of a project, one row per phase, with the project's forecast on every row so
    /// that the file stands alone in a spreadsheet.
    public static let projectHeader = [
        "project_id", "project", "client", "phase", "ordinal", "state", "planned_start", "planned_end", "actual_start",
        "actual_end", "end_variance_days", "steps_done", "steps_total", "percent_done", "rag", "p50_finish",
        "p80_finish", "target_date",
    ]

    /// One row per project of the portfolio.
    public static let portfolioHeader = [
        "project_id", "project", "client", "status", "start_date", "target_date", "steps_done", "steps_total",
        "percent_done", "p50_weeks", "p80_weeks", "p50_finish", "p80_finish", "probability_on_time", "rag",
    ]

    public static func encode(_ report: ProjectStatusReport) -> String {
        let rows = report.phases.map { phase in
            [
                report.projectID.uuidString.lowercased(), text(report.name), text(report.clientName), phase.phase.rawValue,
                "\(phase.ordinal)", phase.state, date(phase.plannedStart), date(phase.plannedEnd),
                date(phase.actualStart), date(phase.actualEnd), phase.endVarianceDays.map { "\($0)" } ?? "",
                "\(phase.stepsDone)", "\(phase.stepsTotal)", "\(phase.percentDone)", report.rag.rawValue,
                date(report.forecast?.p50Finish), date(report.forecast?.p80Finish), date(report.targetDate),
            ]
        }
        return document(header: projectHeader, rows: rows)
    }

    public static func encode(_ report: PortfolioReport) -> String {
        let rows = report.projects.map { project in
            [
                project.projectID.uuidString.lowercased(), text(project.name), text(project.clientName), project.status,
                date(project.startDate), date(project.targetDate), "\(project.stepsDone)", "\(project.stepsTotal)",
                "\(project.percentDone)", project.forecast.map { ReportNumber.fixed($0.p50Weeks, 3) } ?? "",
                project.forecast.map { ReportNumber.fixed($0.p80Weeks, 3) } ?? "", date(project.forecast?.p50Finish),
                date(project.forecast?.p80Finish),
                project.forecast?.probabilityOnTime.map { ReportNumber.fixed($0, 4) } ?? "", project.rag.rawValue,
            ]
        }
        return document(header: portfolioHeader, rows: rows)
    }

    /// The header and rows, each field escaped, each line ended by CRLF.
    public static func document(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One field: quoted when it holds a separator, a quote or a line break, with its quotes doubled.
    public static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }

    /// Free text with formula injection defused (see the type's note).
    public static func text(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return value }
        return "'" + value
    }

    static func date(_ day: CalendarDay?) -> String { day.map { "\($0)" } ?? "" }
}
