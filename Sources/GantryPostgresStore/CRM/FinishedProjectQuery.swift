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
///
/// **Planned means before the factor multipliers.** Calibration fits the multipliers from planned
/// against actual, so its planned weeks must not already contain them. Since migration 11 a
/// project's planned dates do (`BaselinePlanner`: seed midpoint × multiplier), so this query reads
/// each phase's `base_weeks` from the project's latest baseline (`project_baselines`, which records
/// the multiplier beside it) and returns every phase with `plannedEnd` set so that its planned span,
/// `plannedEnd − plannedStart + 1` days over 7, is those base weeks (`baseWeeks` has them exactly).
/// Projects planned before migration 11 were planned at the seed's midpoints, and their backfilled
/// version 1 says so (multiplier 1); a phase with no baseline entry keeps its stored dates.
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
        /// Each phase's planned weeks before the factor multipliers (see the type's documentation).
        public var baseWeeks: [DeliveryPhase: Double]

        public init(
            id: UUID, factors: ProjectFactors, phases: [PhaseRecord], forecastP50Weeks: Double?,
            forecastP80Weeks: Double?, baseWeeks: [DeliveryPhase: Double] = [:]
        ) {
            self.id = id
            self.factors = factors
            self.phases = phases
            self.forecastP50Weeks = forecastP50Weeks
            self.forecastP80Weeks = forecastP80Weeks
            self.baseWeeks = baseWeeks
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
                   fc.p50_weeks, fc.p80_weeks, bw.base_weeks
            FROM finished f
            JOIN phases p ON p.project_id = f.id AND p.phase <> 'maintenance_and_support'
            LEFT JOIN LATERAL (
                SELECT e.p50_weeks, e.p80_weeks FROM estimates e
                WHERE e.project_id = f.id AND e.kind = 'forecast'
                ORDER BY e.created_at DESC, e.id DESC
                LIMIT 1
            ) fc ON true
            LEFT JOIN LATERAL (
                SELECT (entry ->> 'base_weeks')::double precision AS base_weeks
                FROM project_baselines b, jsonb_array_elements(b.phases) AS entry
                WHERE b.project_id = f.id AND entry ->> 'phase' = p.phase
                ORDER BY b.version DESC
                LIMIT 1
            ) bw ON true
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
            let phase = try row.decodeRaw(4, as: DeliveryPhase.self)
            let plannedStart = try row.decode(6, as: CalendarDay?.self)
            var plannedEnd = try row.decode(7, as: CalendarDay?.self)
            if let base = try row.decode(13, as: Double?.self), base > 0, let start = plannedStart {
                projects[projects.count - 1].baseWeeks[phase] = base
                plannedEnd = start.adding(days: BaselinePlanner.days(forWeeks: base) - 1)
            }
            projects[projects.count - 1].phases.append(
                PhaseRecord(
                    id: try row.decode(3, as: UUID.self), phase: phase,
                    ordinal: try row.decode(5, as: Int.self), plannedStart: plannedStart,
                    plannedEnd: plannedEnd,
                    actualStart: try row.decode(8, as: CalendarDay?.self),
                    actualEnd: try row.decode(9, as: CalendarDay?.self), state: try row.decodeRaw(10, as: PhaseState.self),
                    steps: []))
        }
        return projects
    }
}
