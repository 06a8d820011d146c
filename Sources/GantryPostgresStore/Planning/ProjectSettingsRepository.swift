import FoundationEssentials
import GantryDomain
import GantryPostgres
import Glibc

/// A project's working calendar and risk register (`project_calendars`, `project_risks`): settings
/// that belong to the project, so every forecast of it reads them instead of each job's payload
/// carrying them. Each write is one statement.
public struct ProjectSettingsRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// The calendar, or nil when none was set.
    public func calendar(of projectID: UUID) async throws -> ProjectCalendar? {
        guard
            let row = try await executor.query(
                "SELECT weekends_off, holidays, workdays FROM project_calendars WHERE project_id = \(projectID)"
            ).first
        else { return nil }
        let decoder = JSONDecoder()
        return ProjectCalendar(
            weekendsOff: try row.decode(0, as: Bool.self),
            holidays: try decoder.decode([CalendarDay].self, from: Data(try row.decode(1, as: PostgresJSON.self).bytes)),
            workdays: try decoder.decode([CalendarDay].self, from: Data(try row.decode(2, as: PostgresJSON.self).bytes)))
    }

    /// Sets the calendar (sorted and deduplicated); validate it first (`ProjectCalendar.validate`).
    /// An unknown project is refused with SQLSTATE 23503.
    @discardableResult
    public func setCalendar(_ calendar: ProjectCalendar, of projectID: UUID) async throws -> ProjectCalendar {
        let stored = calendar.normalised
        try await executor.query(
            """
            INSERT INTO project_calendars (project_id, weekends_off, holidays, workdays)
            VALUES (\(projectID), \(stored.weekendsOff), \(try BaselineRepository.json(stored.holidays)),
                    \(try BaselineRepository.json(stored.workdays)))
            ON CONFLICT (project_id) DO UPDATE
            SET weekends_off = EXCLUDED.weekends_off, holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
                updated_at = now()
            """)
        return stored
    }

    /// The risk register in its order.
    public func risks(of projectID: UUID) async throws -> [ProjectRisk] {
        try await executor.query(
            """
            SELECT name, phase, probability, impact_weeks, status FROM project_risks
            WHERE project_id = \(projectID) ORDER BY ordinal
            """
        ).rows.map { row in
            ProjectRisk(
                name: try row.decode(0, as: String.self), phase: try row.decodeRaw(1, as: DeliveryPhase.self),
                probability: try row.decode(2, as: Double.self), impactWeeks: try row.decode(3, as: Double.self),
                status: try row.decodeRaw(4, as: ProjectRisk.Status.self))
        }
    }

    /// Replaces the whole register in one transaction (validate it first: `ProjectRisk.validate`).
    /// An unknown project is refused with SQLSTATE 23503.
    public func replaceRisks(_ risks: [ProjectRisk], of projectID: UUID) async throws {
        let rows = risks.enumerated().map { index, risk in
            RiskRow(
                ordinal: index + 1, name: risk.name, phase: risk.phase.rawValue, probability: risk.probability,
                impact_weeks: risk.impactWeeks, status: risk.status.rawValue)
        }
        let json = try BaselineRepository.json(rows)
        try await executor.transaction { connection in
            try await connection.query("DELETE FROM project_risks WHERE project_id = \(projectID)")
            try await connection.query(
                """
            INSERT INTO project_risks (project_id, ordinal, name, phase, probability, impact_weeks, status)
            SELECT \(projectID), r.ordinal, r.name, r.phase, r.probability, r.impact_weeks, r.status
            FROM jsonb_to_recordset(\(json))
                 AS r(ordinal int, name text, phase text, probability double precision, impact_weeks double precision, status text)
            """)
        }
    }

    private struct RiskRow: Encodable {
        var ordinal: Int
        var name: String
        var phase: String
        var probability: Double
        var impact_weeks: Double
        var status: String
    }
}

extension RepositorySource {
    /// A project's working calendar and risk register.
    public var projectSettings: ProjectSettingsRepository { ProjectSettingsRepository(executor: executor) }
}
