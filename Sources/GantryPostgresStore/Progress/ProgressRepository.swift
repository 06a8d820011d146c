import FoundationEssentials
import GantryDomain
import GantryPostgres
import Glibc

/// Runs the domain's phase state machine (``ProjectProgress``) over the stored project: it locks
/// the project's row, loads its phases and steps and its latest forecast's P80s, applies the
/// command, writes back what changed and records every event in the `project_events` outbox, all
/// in one transaction. So two callers advancing one project are serialised, a refused command
/// writes nothing, and no change exists without its event.
///
/// The at-risk rule also reads the project's forecast history and calendar, for the slip of its
/// P80 finish (`slipRule`, ``ForecastSlipRule``).
public struct ProgressRepository: StoreRepository {
    let executor: StoreExecutor
    /// When a slip of the P80 finish across recent forecasts makes the project at risk.
    public var slipRule: ForecastSlipRule

    public init(executor: StoreExecutor) { self.init(executor: executor, slipRule: .standard) }

    public init(executor: StoreExecutor, slipRule: ForecastSlipRule) {
        self.executor = executor
        self.slipRule = slipRule
    }

    /// Applies `command` as of `day` (for example `complete requirements_analysis.review approved
    /// by …`) and then re-evaluates the at-risk rule.
    /// - Throws: ``ProgressError`` when the phase model refuses (nothing is written);
    ///   `CRMStoreError.projectNotFound`.
    public func apply(_ command: ProgressCommand, to projectID: UUID, on day: CalendarDay, actor: String?) async throws
        -> ProgressOutcome
    {
        try await executor.transaction { connection in
            try await ProgressRepository(executor: .connection(connection), slipRule: slipRule).change(projectID, on: day, actor: actor) {
                try $0.apply(command, on: day)
            }
        }
    }

    /// Re-evaluates the at-risk rule as of `day` against the latest forecast, recording
    /// `project_at_risk` or `project_back_on_track` when the flag changes. Projects that are not
    /// open are left alone.
    @discardableResult
    public func review(_ projectID: UUID, on day: CalendarDay, actor: String?) async throws -> ProgressOutcome {
        try await executor.transaction { connection in
            try await ProgressRepository(executor: .connection(connection), slipRule: slipRule).change(projectID, on: day, actor: actor) { _ in [] }
        }
    }

    /// The IDs of projects that can still take progress (`planned` or `active`), for the
    /// coordinator's periodic risk review.
    public func openProjectIDs() async throws -> [UUID] {
        try await executor.query("SELECT id FROM projects WHERE status IN ('planned', 'active') ORDER BY id")
            .rows.map { try $0.decode(0, as: UUID.self) }
    }

    /// The project's progress as stored, or `nil` when there is no such project.
    public func progress(of projectID: UUID) async throws -> ProjectProgress? {
        guard let head = try await executor.query("SELECT status, at_risk FROM projects WHERE id = \(projectID)").first
        else { return nil }
        return try await load(projectID, status: try head.decodeRaw(0, as: ProjectStatus.self), atRisk: try head.decode(1)).progress
    }

    // MARK: One locked change

    /// Locks the project, runs `body` on its progress, then the risk rule, and writes the result.
    /// Must run inside a transaction (the callers open one).
    ///
    /// `FOR NO KEY UPDATE`, not `FOR UPDATE`: migration batches hold `KEY SHARE` on the project
    /// through their foreign keys, which this lock does not wait for, so the import that completes
    /// the data-migration step cannot deadlock with its sibling batches.
    func change(
        _ projectID: UUID, on day: CalendarDay, actor: String?,
        _ body: (inout ProjectProgress) throws -> [ProgressEvent]
    ) async throws -> ProgressOutcome {
        guard
            let head = try await executor.query(
                "SELECT status, at_risk FROM projects WHERE id = \(projectID) FOR NO KEY UPDATE"
            ).first
        else {
            throw CRMStoreError(.projectNotFound, projectID: projectID, message: "project \(projectID) not found")
        }
        let stored = try await load(
            projectID, status: try head.decodeRaw(0, as: ProjectStatus.self), atRisk: try head.decode(1))
        var progress = stored.progress
        var events = try body(&progress)
        events += progress.review(limits: try await limits(projectID), slip: try await slip(projectID), on: day)
        guard !events.isEmpty else { return ProgressOutcome(progress: progress, events: []) }
        try await write(progress, over: stored, projectID: projectID)
        return ProgressOutcome(progress: progress, events: try await record(events, projectID: projectID, actor: actor))
    }

    /// The stored progress and the row IDs of its phases and steps (for the updates).
    struct Stored {
        var progress: ProjectProgress
        var phaseIDs: [DeliveryPhase: UUID]
        var stepIDs: [StepKey: UUID]
    }

    func load(_ projectID: UUID, status: ProjectStatus, atRisk: Bool) async throws -> Stored {
        let rows = try await executor.query(
            """
            SELECT p.id, p.phase, p.state, p.actual_start, p.actual_end,
                   s.id, s.step, s.state, s.actual_start, s.actual_end, s.approved_by
            FROM phases p JOIN phase_steps s ON s.phase_id = p.id
            WHERE p.project_id = \(projectID)
            ORDER BY p.ordinal, s.ordinal
            """
        ).rows
        var phases: [ProjectProgress.Phase] = []
        var phaseIDs: [DeliveryPhase: UUID] = [:]
        var stepIDs: [StepKey: UUID] = [:]
        for row in rows {
            let phase = try row.decodeRaw(1, as: DeliveryPhase.self)
            if phases.last?.phase != phase {
                phaseIDs[phase] = try row.decode(0, as: UUID.self)
                phases.append(
                    ProjectProgress.Phase(
                        phase: phase, state: try row.decodeRaw(2, as: PhaseState.self),
                        actualStart: try row.decode(3, as: CalendarDay?.self),
                        actualEnd: try row.decode(4, as: CalendarDay?.self), steps: []))
            }
            let key = try row.decode(6, as: String.self)
            stepIDs[StepKey(phase: phase, step: key)] = try row.decode(5, as: UUID.self)
            phases[phases.count - 1].steps.append(
                ProjectProgress.Step(
                    key: key, state: try row.decodeRaw(7, as: PhaseState.self),
                    actualStart: try row.decode(8, as: CalendarDay?.self), actualEnd: try row.decode(9, as: CalendarDay?.self),
                    approvedBy: try row.decode(10, as: String?.self)))
        }
        return Stored(
            progress: ProjectProgress(status: status, atRisk: atRisk, phases: phases), phaseIDs: phaseIDs, stepIDs: stepIDs)
    }

    /// Each phase's P80 from the newest of the project's recent forecasts that sampled it in full
    /// (``PhaseLimits/init(forecasts:)``); none before the first forecast.
    func limits(_ projectID: UUID) async throws -> PhaseLimits {
        let rows = try await executor.query(
            """
            SELECT result -> 'phases' FROM estimates WHERE project_id = \(projectID)
            ORDER BY created_at DESC, id LIMIT \(Self.limitForecasts)
            """)
        var forecasts: [[PhaseForecast]] = []
        for row in rows {
            guard let json = try row.decode(0, as: PostgresJSON?.self) else { continue }
            forecasts.append(try JSONDecoder().decode([PhaseForecast].self, from: Data(json.bytes)))
        }
        return PhaseLimits(forecasts: forecasts)
    }

    /// Recent forecasts searched for each phase's limit: enough to reach back past a week of daily
    /// re-forecasts to the one made before the running phase began.
    static let limitForecasts = 50

    /// The slip of the P80 finish across the project's recent forecasts, in its calendar, when it is
    /// over the rule's threshold. Reads a few more points than the window, since calibration runs,
    /// which the rule skips, may sit between the forecasts.
    func slip(_ projectID: UUID) async throws -> ForecastSlip? {
        let history = try await EstimateRepository(executor: executor).forecastHistory(of: projectID, limit: slipRule.window * 4)
        guard history.count >= 2 else { return nil }
        return slipRule.slip(in: history, calendar: try await ProjectSettingsRepository(executor: executor).calendar(of: projectID))
    }

    /// Writes the phases, steps and project fields that differ from what was loaded.
    func write(_ progress: ProjectProgress, over stored: Stored, projectID: UUID) async throws {
        for (new, old) in zip(progress.phases, stored.progress.phases) {
            for (step, before) in zip(new.steps, old.steps) where step != before {
                guard let id = stored.stepIDs[StepKey(phase: new.phase, step: step.key)] else { continue }
                try await executor.query(
                    """
                    UPDATE phase_steps SET state = \(step.state.rawValue), actual_start = \(step.actualStart),
                        actual_end = \(step.actualEnd), approved_by = \(step.approvedBy)
                    WHERE id = \(id)
                    """)
            }
            if new.state != old.state || new.actualStart != old.actualStart || new.actualEnd != old.actualEnd,
                let id = stored.phaseIDs[new.phase]
            {
                try await executor.query(
                    """
                    UPDATE phases SET state = \(new.state.rawValue), actual_start = \(new.actualStart),
                        actual_end = \(new.actualEnd)
                    WHERE id = \(id)
                    """)
            }
        }
        if progress.status != stored.progress.status || progress.atRisk != stored.progress.atRisk {
            try await executor.query(
                "UPDATE projects SET status = \(progress.status.rawValue), at_risk = \(progress.atRisk) WHERE id = \(projectID)")
        }
    }

    /// Inserts the events in order, in one statement.
    func record(_ events: [ProgressEvent], projectID: UUID, actor: String?) async throws -> [ProjectEventRecord] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try events.enumerated().map { index, event in
            EventRow(ordinal: index, type: event.kind.rawValue, phase: event.phase?.rawValue, step: event.step,
                data: String(decoding: try encoder.encode(event), as: UTF8.self))
        }
        let result = try await executor.query(
            """
            INSERT INTO project_events (project_id, type, phase, step, data, actor)
            SELECT \(projectID), e.type, e.phase, e.step, e.data::jsonb, \(actor)
            FROM jsonb_to_recordset(\(PostgresJSON(bytes: Array(try encoder.encode(rows)))))
                 AS e(ordinal int, type text, phase text, step text, data text)
            ORDER BY e.ordinal
            RETURNING seq, id, occurred_at
            """)
        let written = try result.rows.map { (try $0.decode(0, as: Int64.self), try $0.decode(1, as: UUID.self), try $0.decode(2, as: Date.self)) }
            .sorted { $0.0 < $1.0 }
        return zip(events, written).map { event, row in
            ProjectEventRecord(
                seq: row.0, id: row.1, projectID: projectID, event: event, actor: actor, occurredAt: row.2, dispatchedAt: nil)
        }
    }

    private struct EventRow: Encodable {
        var ordinal: Int
        var type: String
        var phase: String?
        var step: String?
        var data: String
    }
}

extension RepositorySource {
    /// The phase state machine over the stored projects.
    public var progress: ProgressRepository { ProgressRepository(executor: executor) }
}
