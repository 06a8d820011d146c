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

    enum CodingKeys: String, CodingKey {
        case name, status, phases, forecast, migrations, rag
        case projectID = "project_id"
        case clientName = "client_name"
        case startDate = "start_date"
        case targetDate = "target_date"
        case generatedAt = "generated_at"
        case recentJobs = "recent_jobs"
        case stepsDone = "steps_done"
        case stepsTotal = "steps_total"
        case percentDone = "percent_done"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            projectID: try c.decode(UUID.self, forKey: .projectID), name: try c.decode(String.self, forKey: .name),
            clientName: try c.decode(String.self, forKey: .clientName), status: try c.decode(String.self, forKey: .status),
            startDate: try c.decode(CalendarDay.self, forKey: .startDate),
            targetDate: try c.decodeIfPresent(CalendarDay.self, forKey: .targetDate),
            generatedAt: try c.decode(String.self, forKey: .generatedAt),
            phases: try c.decode([ReportPhaseRow].self, forKey: .phases),
            forecast: try c.decodeIfPresent(ReportForecast.self, forKey: .forecast),
            recentJobs: try c.decode([ReportJobRow].self, forKey: .recentJobs),
            migrations: try c.decode([ReportMigrationRow].self, forKey: .migrations))
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
        try c.encode(rag, forKey: .rag)
        try c.encode(stepsDone, forKey: .stepsDone)
        try c.encode(stepsTotal, forKey: .stepsTotal)
        try c.encode(percentDone, forKey: .percentDone)
    }
}
