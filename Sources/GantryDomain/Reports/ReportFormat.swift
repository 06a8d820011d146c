/// The formats a report is rendered in; the raw values are what payloads and the `reports` table say.
public enum ReportFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// One self-contained page: styles inline, charts as inline SVG, no external asset.
    case html
    /// RFC 4180 text for spreadsheets: the phase table of a project, one row per project for a portfolio.
    case csv
    /// The whole report model, keys sorted, for programs.
    case json

    /// The media type the API serves it with.
    public var contentType: String {
        switch self {
        case .html: "text/html; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json"
        }
    }
}

/// What a report covers: one project, or every open project of the firm.
public enum ReportScope: String, Sendable, Hashable, Codable, CaseIterable {
    case project
    case portfolio
}
