import FoundationEssentials

/// Where one delivery project stands: its phase table, its forecast against the target with a RAG
/// status, its recent jobs and the reconciliation of its data imports.
///
/// A plain value built by the `report.build` job from stored records; rendering it (HTML, CSV, JSON)
/// reads nothing else, so a report can be rebuilt from the same inputs byte for byte.
public struct ProjectStatusReport: Sendable, Hashable, Codable {
    public var projectID: UUID
    public var name: String
    public var clientName: String
    /// planned, active, on_hold, done or cancelled.
    public var status: String
    public var startDate: CalendarDay
    public var targetDate: CalendarDay?
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    public var generatedAt: String
    /// In phase order.
    public var phases: [ReportPhaseRow]
    /// Nil until the project has an estimate.
    public var forecast: ReportForecast?
    /// Newest first.
    public var recentJobs: [ReportJobRow]
    /// Newest first; empty when the project imported nothing.
    public var migrations: [ReportMigrationRow]
    /// The latest forecasts, oldest first: the P80 finish's trend. Shown in the HTML only (the
    /// report's JSON and CSV keep their fields).
    public var forecastTrend: [ForecastPoint] = []

    public init(
        projectID: UUID, name: String, clientName: String, status: String, startDate: CalendarDay,
        targetDate: CalendarDay?, generatedAt: String, phases: [ReportPhaseRow], forecast: ReportForecast?,
        recentJobs: [ReportJobRow], migrations: [ReportMigrationRow]
    ) {
        self.projectID = projectID
        self.name = name
        self.clientName = clientName
        self.status = status
        self.startDate = startDate
        self.targetDate = targetDate
        self.generatedAt = generatedAt
        self.phases = phases
        self.forecast = forecast
        self.recentJobs = recentJobs
        self.migrations = migrations
    }

    /// The forecast's status; unknown without a forecast.
    public var rag: RAGStatus { forecast?.rag ?? .unknown }
    public var stepsDone: Int { phases.reduce(0) { $0 + $1.stepsDone } }
    public var stepsTotal: Int { phases.reduce(0) { $0 + $1.stepsTotal } }
    /// Whole percent of all steps done.
    public var percentDone: Int {
        stepsTotal == 0 ? 0 : Int((Double(stepsDone) * 100 / Double(stepsTotal)).rounded(.down))
    }

    /// The stored fields: decoding reads these only (and is synthesised), since the rest is derived.
    enum CodingKeys: String, CodingKey {
        case name, status, phases, forecast, migrations
        case projectID = "project_id"
        case clientName = "client_name"
        case startDate = "start_date"
        case targetDate = "target_date"
        case generatedAt = "generated_at"
        case recentJobs = "recent_jobs"
    }

    /// The derived figures, which the JSON carries so that its readers need not recompute them.
    enum DerivedKeys: String, CodingKey {
        case rag
        case stepsDone = "steps_done"
        case stepsTotal = "steps_total"
        case percentDone = "percent_done"
    }

    /// Writes the derived figures (RAG, step totals) too, and `null` for absent optionals, so the JSON
    /// always has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(projectID.uuidString.lowercased(), forKey: .projectID)
        try c.encode(name, forKey: .name)
        try c.encode(clientName, forKey: .clientName)
        try c.encode(status, forKey: .status)
        try c.encode(startDate, forKey: .startDate)
        try c.encode(targetDate, forKey: .targetDate)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(phases, forKey: .phases)
        try c.encode(forecast, forKey: .forecast)
        try c.encode(recentJobs, forKey: .recentJobs)
        try c.encode(migrations, forKey: .migrations)
        var derived = encoder.container(keyedBy: DerivedKeys.self)
        try derived.encode(rag, forKey: .rag)
        try derived.encode(stepsDone, forKey: .stepsDone)
        try derived.encode(stepsTotal, forKey: .stepsTotal)
        try derived.encode(percentDone, forKey: .percentDone)
    }
}
