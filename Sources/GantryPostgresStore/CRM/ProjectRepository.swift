import GantryDomain
import FoundationEssentials
import Glibc
import GantryPostgres

/// Creates delivery projects with their phases and steps, reads them back, and loads phase and
/// step history (`projects`, `phases`, `phase_steps`).
///
/// Each write is a single statement, so it is atomic without a transaction of its own and can join
/// the caller's (see `StoreExecutor`).
public struct ProjectRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// Creates a project for `clientID` with the seed's five phases and their steps, planned end to
    /// end from `startDate`, each phase the seed's midpoint times the factors' multiplier
    /// (`BaselinePlanner`), all `pending`, and that plan as its baseline version 1.
    ///
    /// One statement inserts the project, its phases, its steps and its baseline, so either all
    /// exist or none.
    /// An unknown client is refused with SQLSTATE 23503, a target before the start with 23514.
    public func createProject(
        clientID: UUID, name: String, startDate: CalendarDay, targetDate: CalendarDay? = nil,
        factors: ProjectFactors = ProjectFactors(), status: ProjectRecord.Status = .planned
    ) async throws -> ProjectRecord {
        let baseline = BaselinePlanner().initial(start: startDate, factors: factors.delivery)
        let planned = PlannedPhase.schedule(baseline)
        let phaseRows = planned.map {
            PhaseRow(phase: $0.phase.rawValue, ordinal: $0.ordinal, planned_start: "\($0.start)", planned_end: $0.end.map { "\($0)" })
        }
        let stepRows = planned.flatMap { phase in
            phase.steps.map {
                StepRow(
                    phase: phase.phase.rawValue, step: $0.key, ordinal: $0.ordinal, planned_start: "\($0.start)",
                    planned_end: $0.end.map { "\($0)" })
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let factorsJSON = PostgresJSON(bytes: Array(try encoder.encode(factors)))
        let phasesJSON = PostgresJSON(bytes: Array(try encoder.encode(phaseRows)))
        let stepsJSON = PostgresJSON(bytes: Array(try encoder.encode(stepRows)))
        let baselineJSON = PostgresJSON(bytes: Array(try encoder.encode(baseline)))
        let result = try await executor.query(
            """
            WITH new_project AS (
                INSERT INTO projects (client_id, name, start_date, target_date, factors, status)
                VALUES (\(clientID), \(name), \(startDate), \(targetDate), \(factorsJSON), \(status.rawValue))
                RETURNING id
            ), new_phases AS (
                INSERT INTO phases (project_id, phase, ordinal, planned_start, planned_end)
                SELECT new_project.id, plan.phase, plan.ordinal, plan.planned_start, plan.planned_end
                FROM new_project,
                     jsonb_to_recordset(\(phasesJSON)) AS plan(phase text, ordinal int, planned_start date, planned_end date)
                RETURNING id, phase
            ), new_steps AS (
                INSERT INTO phase_steps (phase_id, step, ordinal, planned_start, planned_end)
                SELECT new_phases.id, plan.step, plan.ordinal, plan.planned_start, plan.planned_end
                FROM new_phases
                JOIN jsonb_to_recordset(\(stepsJSON))
                     AS plan(phase text, step text, ordinal int, planned_start date, planned_end date)
                  ON plan.phase = new_phases.phase
            ), new_baseline AS (
                INSERT INTO project_baselines (project_id, version, reason, factors, phases)
                SELECT new_project.id, 1, 'initial plan', \(factorsJSON), \(baselineJSON) FROM new_project
            )
            SELECT id FROM new_project
            """)
        guard let id = try result.first?.decode(0, as: UUID.self) else {
            throw CRMStoreError(.corruptRow, message: "INSERT INTO projects returned no row")
        }
        // Read back through the executor: on a pool this is a later statement that sees the commit;
        // on a connection it sees the caller's own uncommitted writes.
        guard let project = try await project(id) else {
            throw CRMStoreError(.projectNotFound, projectID: id, message: "project \(id) vanished right after its insert")
        }
        return project
    }

    /// The project with its phases and steps in order, or `nil` when there is none with `id`.
    public func project(_ id: UUID) async throws -> ProjectRecord? {
        let projectResult = try await executor.query(
            """
            SELECT id, client_id, name, start_date, target_date, factors, status, created_at, updated_at
            FROM projects WHERE id = \(id)
            """)
        guard let row = projectResult.first else { return nil }
        let factorsJSON = try row.decode(5, as: PostgresJSON.self)
        let phaseResult = try await executor.query(
            """
            SELECT \(unsafeRaw: Self.phaseColumns), \(unsafeRaw: Self.stepColumns)
            FROM phases p LEFT JOIN phase_steps s ON s.phase_id = p.id
            WHERE p.project_id = \(id)
            ORDER BY p.ordinal, s.ordinal
            """)
        let settings = ProjectSettingsRepository(executor: executor)
        return ProjectRecord(
            id: try row.decode(0, as: UUID.self), clientID: try row.decode(1, as: UUID.self),
            name: try row.decode(2, as: String.self), startDate: try row.decode(3, as: CalendarDay.self),
            targetDate: try row.decode(4, as: CalendarDay?.self),
            factors: try JSONDecoder().decode(ProjectFactors.self, from: Data(factorsJSON.bytes)),
            status: try row.decodeRaw(6, as: ProjectRecord.Status.self), createdAt: try row.decode(7, as: Date.self),
            updatedAt: try row.decode(8, as: Date.self), phases: try Self.phases(from: phaseResult.rows),
            calendar: try await settings.calendar(of: id), risks: try await settings.risks(of: id))
    }

    /// Sets a phase's state directly, bypassing the phase model: for loading the history of projects
    /// delivered before Gantry (what calibration learns from) and for repairs by hand. Progress of a
    /// running project goes through `ProgressRepository`, which enforces the gates and records events.
    ///
    /// Sets a phase's state and, where given, its actual start and end (inclusive); a `nil` date keeps
    /// the stored one, so a phase started earlier can be finished with only its end date.
    ///
    /// A phase set to `done` must end up with both actual dates, and an end before the start is
    /// refused: the table's checks answer with SQLSTATE 23514.
    /// - Throws: `CRMStoreError.phaseNotFound` when the project has no such phase (or does not exist).
    @discardableResult
    public func markPhase(
        _ phase: DeliveryPhase, of projectID: UUID, as state: PhaseState,
        actualStart: CalendarDay? = nil, actualEnd: CalendarDay? = nil
    ) async throws -> PhaseRecord {
        // The steps are read in the same statement; the UPDATE does not touch them, so the
        // statement's snapshot shows them as they are.
        let result = try await executor.query(
            """
            WITH p AS (
                UPDATE phases
                SET state = \(state.rawValue),
                    actual_start = coalesce(\(actualStart), actual_start),
                    actual_end = coalesce(\(actualEnd), actual_end)
                WHERE project_id = \(projectID) AND phase = \(phase.rawValue)
                RETURNING *
            )
            SELECT \(unsafeRaw: Self.phaseColumns), \(unsafeRaw: Self.stepColumns)
            FROM p LEFT JOIN phase_steps s ON s.phase_id = p.id
            ORDER BY s.ordinal
            """)
        guard let record = try Self.phases(from: result.rows).first else {
            throw CRMStoreError(
                .phaseNotFound, projectID: projectID, phase: phase,
                message: "project \(projectID) has no phase \(phase.rawValue)")
        }
        return record
    }

    /// Sets a step's state and actual dates directly, for the same uses and with the same rules as
    /// `markPhase`.
    /// - Throws: `CRMStoreError.stepNotFound` when the project's phase has no such step.
    @discardableResult
    public func markStep(
        _ step: String, in phase: DeliveryPhase, of projectID: UUID, as state: PhaseState,
        actualStart: CalendarDay? = nil, actualEnd: CalendarDay? = nil
    ) async throws -> PhaseStepRecord {
        let result = try await executor.query(
            """
            UPDATE phase_steps s
            SET state = \(state.rawValue),
                actual_start = coalesce(\(actualStart), s.actual_start),
                actual_end = coalesce(\(actualEnd), s.actual_end)
            FROM phases p
            WHERE s.phase_id = p.id AND p.project_id = \(projectID) AND p.phase = \(phase.rawValue) AND s.step = \(step)
            RETURNING \(unsafeRaw: Self.stepColumns)
            """)
        guard let row = result.first else {
            throw CRMStoreError(
                .stepNotFound, projectID: projectID, phase: phase, step: step,
                message: "project \(projectID) has no step \(step) in phase \(phase.rawValue)")
        }
        return try Self.step(from: row, at: 0)
    }

    // MARK: Rows

    /// Phase columns 0–7, then step columns 8–15 (see `phases(from:)`).
    static let phaseColumns =
        "p.id, p.phase, p.ordinal, p.planned_start, p.planned_end, p.actual_start, p.actual_end, p.state"
    static let stepColumns =
        "s.id, s.step, s.ordinal, s.planned_start, s.planned_end, s.actual_start, s.actual_end, s.state"

    /// Groups rows ordered by phase then step (a phase without steps has NULL step columns).
    static func phases(from rows: [PostgresRow]) throws -> [PhaseRecord] {
        var phases: [PhaseRecord] = []
        for row in rows {
            let id = try row.decode(0, as: UUID.self)
            if phases.last?.id != id {
                phases.append(
                    PhaseRecord(
                        id: id, phase: try row.decodeRaw(1, as: DeliveryPhase.self), ordinal: try row.decode(2, as: Int.self),
                        plannedStart: try row.decode(3, as: CalendarDay?.self),
                        plannedEnd: try row.decode(4, as: CalendarDay?.self),
                        actualStart: try row.decode(5, as: CalendarDay?.self),
                        actualEnd: try row.decode(6, as: CalendarDay?.self),
                        state: try row.decodeRaw(7, as: PhaseState.self), steps: []))
            }
            if try row.decode(8, as: UUID?.self) != nil {
                phases[phases.count - 1].steps.append(try step(from: row, at: 8))
            }
        }
        return phases
    }

    static func step(from row: PostgresRow, at c: Int) throws -> PhaseStepRecord {
        PhaseStepRecord(
            id: try row.decode(c, as: UUID.self), step: try row.decode(c + 1, as: String.self),
            ordinal: try row.decode(c + 2, as: Int.self), plannedStart: try row.decode(c + 3, as: CalendarDay?.self),
            plannedEnd: try row.decode(c + 4, as: CalendarDay?.self),
            actualStart: try row.decode(c + 5, as: CalendarDay?.self),
            actualEnd: try row.decode(c + 6, as: CalendarDay?.self), state: try row.decodeRaw(c + 7, as: PhaseState.self))
    }

    /// The JSON rows that `jsonb_to_recordset` turns into `phases` and `phase_steps` inserts.
    private struct PhaseRow: Encodable {
        var phase: String
        var ordinal: Int
        var planned_start: String
        var planned_end: String?
    }

    private struct StepRow: Encodable {
        var phase: String
        var step: String
        var ordinal: Int
        var planned_start: String
        var planned_end: String?
    }
}
