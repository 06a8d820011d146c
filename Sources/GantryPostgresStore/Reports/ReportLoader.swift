import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgres
import Logging

/// Reads what a report shows from PostgreSQL and builds GantryDomain's report models: the project and
/// its phases and steps, its client, its latest estimate, its recent jobs (`job_runs`, and
/// `job_results` for jobs whose runs were not kept) and its data imports (`migration_imports`).
///
/// Used by `report.build`; lives in the store so that every statement stays in one module.
public struct ReportLoader: Sendable {
    let executor: StoreExecutor
    let logger: Logger

    public init(_ source: some RepositorySource, logger: Logger) {
        self.executor = source.executor
        self.logger = logger
    }

    /// Jobs and imports shown per project: enough to see what happened lately, not a history.
    static let recentJobLimit = 10
    static let migrationLimit = 20
    /// Forecasts in a report's P80 trend: a quarter of weekly re-forecasts.
    static let trendLimit = 12
    /// Open projects in one portfolio report; more would make a page nobody reads.
    static let portfolioLimit = 500

    /// The project's report, or nil when there is no such project.
    public func projectReport(_ projectID: UUID, generatedAt: String) async throws -> ProjectStatusReport? {
        guard let project = try await ProjectRepository(executor: executor).project(projectID) else { return nil }
        let client = try await ClientRepository(executor: executor).client(project.clientID)
        let estimate = try await EstimateRepository(executor: executor).latest(of: projectID)
        let target = project.targetDate
        var report = ProjectStatusReport(
            projectID: project.id, name: project.name, clientName: client?.name ?? "", status: project.status.rawValue,
            startDate: project.startDate, targetDate: target, generatedAt: generatedAt,
            phases: project.phases.compactMap(Self.row), forecast: estimate.flatMap { forecast(of: $0, target: target) },
            recentJobs: try await recentJobs(of: projectID), migrations: try await migrations(of: projectID))
        report.forecastTrend = try await EstimateRepository(executor: executor).forecastHistory(of: projectID, limit: Self.trendLimit)
        return report
    }

    /// The report of every open project (planned, active or on hold: the ones a delivery firm still
    /// steers; done and cancelled ones are history).
    public func portfolioReport(generatedAt: String) async throws -> PortfolioReport {
        let ids = try await ProjectRepository(executor: executor).openProjectIDs(limit: Self.portfolioLimit)
        var projects: [ProjectStatusReport] = []
        for id in ids {
            // A project deleted since the list was read simply drops out.
            if let report = try await projectReport(id, generatedAt: generatedAt) { projects.append(report) }
        }
        return PortfolioReport(generatedAt: generatedAt, projects: projects)
    }

    /// The estimate's forecast; nil (with a warning) when its stored JSON no longer decodes, so that one
    /// bad row cannot keep a whole portfolio from being reported.
    func forecast(of estimate: EstimateRecord, target: CalendarDay?) -> ReportForecast? {
        do {
            let decoder = JSONDecoder()
            let result = try decoder.decode(EstimateResult.self, from: Data(estimate.result.bytes))
            let input = try decoder.decode(EstimateRisks.self, from: Data(estimate.input.bytes))
            return ReportForecast(kind: estimate.kind.rawValue, result: result, risks: input.risks ?? [], target: target)
        } catch {
            logger.warning(
                "estimate not reported: its JSON does not decode",
                metadata: ["estimate": "\(estimate.id)", "error": "\(error)"])
            return nil
        }
    }

    /// The risks of a stored `EstimateInput`, without decoding (and validating) the rest of it.
    struct EstimateRisks: Decodable {
        var risks: [RiskEvent]?
    }

    /// The newest runs of the project's jobs; a job whose runs were not recorded (`--history none`)
    /// still shows through its result, as succeeded.
    func recentJobs(of projectID: UUID) async throws -> [ReportJobRow] {
        // Envelopes carry the project id as text, normally lower-case; both spellings keep the index.
        let (lower, upper) = (projectID.uuidString.lowercased(), projectID.uuidString.uppercased())
        let result = try await executor.query(
            """
            SELECT job_id::text, kind, outcome, attempt,
                   to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), duration_ms, error
            FROM (
                SELECT job_id, kind, outcome, attempt, finished_at, duration_ms, error
                FROM job_runs WHERE project_id IN (\(lower), \(upper))
                UNION ALL
                SELECT r.job_id, r.kind, 'succeeded', r.attempt, r.finished_at, NULL, NULL
                FROM job_results r
                WHERE r.project_id IN (\(lower), \(upper))
                  AND NOT EXISTS (SELECT 1 FROM job_runs j WHERE j.job_id = r.job_id)
            ) AS recent
            ORDER BY finished_at DESC, job_id DESC
            LIMIT \(Self.recentJobLimit)
            """)
        return try result.rows.map { row in
            ReportJobRow(
                jobID: try row.decode(0, as: String.self), kind: try row.decode(1, as: String.self),
                outcome: try row.decode(2, as: String.self), attempt: try row.decode(3, as: Int.self),
                finishedAt: try row.decode(4, as: String.self), durationMs: try row.decode(5, as: Int64?.self),
                error: try row.decode(6, as: String?.self))
        }
    }

    /// The project's data imports with their reconciliation verdicts, newest first.
    func migrations(of projectID: UUID) async throws -> [ReportMigrationRow] {
        let result = try await executor.query(
            """
            SELECT id, entity, source_name, status, source_rows, created_rows, updated_rows, unchanged_rows,
                   rejected_rows, batches_done, batch_count
            FROM migration_imports WHERE project_id = \(projectID)
            ORDER BY created_at DESC, id DESC
            LIMIT \(Self.migrationLimit)
            """)
        return try result.rows.map { row in
            ReportMigrationRow(
                importID: try row.decode(0, as: UUID.self).uuidString.lowercased(), entity: try row.decode(1, as: String.self),
                sourceName: try row.decode(2, as: String.self), status: try row.decode(3, as: String.self),
                sourceRows: try row.decode(4, as: Int.self), createdRows: try row.decode(5, as: Int.self),
                updatedRows: try row.decode(6, as: Int.self), unchangedRows: try row.decode(7, as: Int.self),
                rejectedRows: try row.decode(8, as: Int.self), batchesDone: try row.decode(9, as: Int.self),
                batchCount: try row.decode(10, as: Int.self))
        }
    }

    static func row(_ phase: PhaseRecord) -> ReportPhaseRow? {
        ReportPhaseRow(
            phase: phase.phase, ordinal: phase.ordinal, state: phase.state.rawValue, plannedStart: phase.plannedStart,
            plannedEnd: phase.plannedEnd, actualStart: phase.actualStart, actualEnd: phase.actualEnd, stepsDone: phase.steps.filter { $0.state == .done }.count,
            stepsTotal: phase.steps.count)
    }
}
