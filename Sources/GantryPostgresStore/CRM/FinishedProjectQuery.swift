import GantryDomain
import FoundationEssentials
import Glibc
import GantryPostgres

/// Reads the firm's finished projects, the history that calibration learns from
/// (reference-class forecasting: planned against actual, phase by phase).
///
/// A project is finished when every one of its delivery phases (all but maintenance, which is
/// ongoing and never finishes) is `done` with planned and actual start and end dates, whatever the
/// project's status says: the phases are what the fit needs, and a status may lag behind them.
/// Cancelled projects are left out, since their actuals stop where the work stopped, not where it
/// would have ended. One statement, so the history is one consistent snapshot.
public struct FinishedProjectQuery: StoreRepository {
    /// One finished project: its factors, its delivery phases in order, and the last forecast made
    /// for it before any phase was done, if one was stored.
    public struct Project: Sendable, Hashable {
        public var id: UUID
        public var factors: ProjectFactors
        /// Delivery phases in order, each with all four dates.
        public var phases: [PhaseRecord]
        /// P50 and P80 total weeks of the project's latest `forecast` estimate. A `reforecast` already
        /// knew some actuals, so it would flatter the coverage of past forecasts; it is not used.
        public var forecastP50Weeks: Double?
        public var forecastP80Weeks: Double?

        public init(
            id: UUID, factors: ProjectFactors, phases: [PhaseRecord], forecastP50Weeks: Double?,
            forecastP80Weeks: Double?
        ) {
            self.id = id
            self.factors = factors
            self.phases = phases
            self.forecastP50Weeks = forecastP50Weeks
            self.forecastP80Weeks = forecastP80Weeks
        }
    }

    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// Finished projects, oldest start first, at most `limit` of them (the most recent ones when
    /// there are more: the firm's recent record says more about its next project than its oldest).
    public func finishedProjects(limit: Int = 10_000) async throws -> [Project] {
        let result = try await executor.query(
            """
            WITH finished AS (
                SELECT pr.id, pr.factors, pr.start_date
                FROM projects pr
                WHERE pr.status <> 'cancelled'
                  AND EXISTS (SELECT 1 FROM phases q
                              WHERE q.project_id = pr.id AND q.phase <> 'maintenance_and_support')
                  AND NOT EXISTS (
                      SELECT 1 FROM phases q
                      WHERE q.project_id = pr.id AND q.phase <> 'maintenance_and_support'
                        AND (q.state <> 'done' OR q.planned_start IS NULL OR q.planned_end IS NULL
                             OR q.actual_start IS NULL OR q.actual_end IS NULL))
                ORDER BY pr.start_date DESC, pr.id DESC
                LIMIT \(max(0, limit))
            )
            SELECT f.id, f.factors, f.start_date, \(unsafeRaw: ProjectRepository.phaseColumns),
                   fc.p50_weeks, fc.p80_weeks
            FROM finished f
            JOIN phases p ON p.project_id = f.id AND p.phase <> 'maintenance_and_support'
            LEFT JOIN LATERAL (
                SELECT e.p50_weeks, e.p80_weeks FROM estimates e
                WHERE e.project_id = f.id AND e.kind = 'forecast'
                ORDER BY e.created_at DESC, e.id DESC
                LIMIT 1
            ) fc ON true
            ORDER BY f.start_date, f.id, p.ordinal
            """)
        var projects: [Project] = []
        let decoder = JSONDecoder()
        for row in result.rows {
            let id = try row.decode(0, as: UUID.self)
            if projects.last?.id != id {
                let factorsJSON = try row.decode(1, as: PostgresJSON.self)
                projects.append(
                    Project(
                        id: id, factors: try decoder.decode(ProjectFactors.self, from: Data(factorsJSON.bytes)),
                        phases: [], forecastP50Weeks: try row.decode(11, as: Double?.self),
                        forecastP80Weeks: try row.decode(12, as: Double?.self)))
            }
            // Columns 3–10 are the phase columns; the steps are not needed here.
            projects[projects.count - 1].phases.append(
                PhaseRecord(
                    id: try row.decode(3, as: UUID.self), phase: try row.decodeRaw(4, as: DeliveryPhase.self),
                    ordinal: try row.decode(5, as: Int.self), plannedStart: try row.decode(6, as: CalendarDay?.self),
                    plannedEnd: try row.decode(7, as: CalendarDay?.self),
                    actualStart: try row.decode(8, as: CalendarDay?.self),
                    actualEnd: try row.decode(9, as: CalendarDay?.self), state: try row.decodeRaw(10, as: PhaseState.self),
                    steps: []))
        }
        return projects
    }
}
