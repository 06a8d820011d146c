import FoundationEssentials
import GantryDomain
import GantryPostgres
import Glibc

/// A project's plan and its versions (`project_baselines`): version 1 is written with the project
/// (`ProjectRepository.createProject`), and each change request adds one and moves the planned
/// dates of the phases not yet done, in one transaction, so the dates shown and the latest version
/// always agree and every earlier promise stays on record.
public struct BaselineRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// Every version of the project's plan, oldest first (empty for an unknown project).
    public func baselines(of projectID: UUID) async throws -> [ProjectBaselineRecord] {
        try await executor.query(
            """
            SELECT project_id, version, reason, factors, phases, created_at FROM project_baselines
            WHERE project_id = \(projectID) ORDER BY version
            """
        ).rows.map(Self.record(from:))
    }

    /// Re-plans the project for a change request and records the new version.
    ///
    /// Locks the project's row (`FOR NO KEY UPDATE`, as `ProgressRepository` does, so a step
    /// completed at the same moment is either seen done or waits), plans with `BaselinePlanner`,
    /// writes the planned dates of the phases and steps that moved, the new factors, and the version.
    /// - Throws: `CRMStoreError.projectNotFound`.
    public func rebaseline(_ projectID: UUID, change: BaselineChange, multipliers: FactorMultipliers = .defaults)
        async throws -> ProjectBaselineRecord
    {
        try await executor.transaction { connection in
            let tx = BaselineRepository(executor: .connection(connection))
            return try await tx.rebaselineLocked(projectID, change: change, multipliers: multipliers)
        }
    }

    private func rebaselineLocked(_ projectID: UUID, change: BaselineChange, multipliers: FactorMultipliers) async throws
        -> ProjectBaselineRecord
    {
        let projects = ProjectRepository(executor: executor)
        guard
            try await executor.query("SELECT id FROM projects WHERE id = \(projectID) FOR NO KEY UPDATE").first != nil,
            let project = try await projects.project(projectID)
        else {
            throw CRMStoreError(.projectNotFound, projectID: projectID, message: "project \(projectID) not found")
        }
        let history = try await baselines(of: projectID)
        let previous = history.last?.phases ?? BaselinePlanner(multipliers: multipliers).initial(
            start: project.startDate, factors: project.factors.delivery)
        let factors = change.factors ?? project.factors
        var progress: [DeliveryPhase: BaselinePlanner.Progress] = [:]
        for phase in project.phases {
            progress[phase.phase] = .init(done: phase.state == .done, actualStart: phase.actualStart, actualEnd: phase.actualEnd)
        }
        let phases = BaselinePlanner(multipliers: multipliers).rebaseline(
            previous, progress: progress, projectStart: project.startDate, factors: factors.delivery,
            baseWeeks: change.baseWeeks)
        let moved = phases.filter { entry in
            let stored = project.phase(entry.phase)
            return stored?.state != .done
                && (stored?.plannedStart != entry.plannedStart || stored?.plannedEnd != entry.plannedEnd)
        }
        try await writePlannedDates(PlannedPhase.schedule(moved), projectID: projectID)
        if factors != project.factors {
            try await executor.query(
                "UPDATE projects SET factors = \(try Self.json(factors)), updated_at = now() WHERE id = \(projectID)")
        }
        return try await insert(
            projectID: projectID, version: (history.last?.version ?? 0) + 1, reason: change.reason, factors: factors,
            phases: phases)
    }

    /// Inserts one version; `createProject` writes version 1 in its own statement.
    func insert(projectID: UUID, version: Int, reason: String, factors: ProjectFactors, phases: [PhaseBaseline])
        async throws -> ProjectBaselineRecord
    {
        let result = try await executor.query(
            """
            INSERT INTO project_baselines (project_id, version, reason, factors, phases)
            VALUES (\(projectID), \(version), \(reason), \(try Self.json(factors)), \(try Self.json(phases)))
            RETURNING project_id, version, reason, factors, phases, created_at
            """)
        guard let row = result.first else {
            throw CRMStoreError(.corruptRow, projectID: projectID, message: "INSERT INTO project_baselines returned no row")
        }
        return try Self.record(from: row)
    }

    /// Sets the planned dates of these phases and of their steps.
    private func writePlannedDates(_ planned: [PlannedPhase], projectID: UUID) async throws {
        for phase in planned {
            try await executor.query(
                """
                UPDATE phases SET planned_start = \(phase.start), planned_end = \(phase.end), updated_at = now()
                WHERE project_id = \(projectID) AND phase = \(phase.phase.rawValue)
                """)
            for step in phase.steps {
                try await executor.query(
                    """
                    UPDATE phase_steps s SET planned_start = \(step.start), planned_end = \(step.end)
                    FROM phases p
                    WHERE s.phase_id = p.id AND p.project_id = \(projectID) AND p.phase = \(phase.phase.rawValue)
                      AND s.step = \(step.key)
                    """)
            }
        }
    }

    static func json(_ value: some Encodable) throws -> PostgresJSON {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return PostgresJSON(bytes: Array(try encoder.encode(value)))
    }

    static func record(from row: PostgresRow) throws -> ProjectBaselineRecord {
        let decoder = JSONDecoder()
        return ProjectBaselineRecord(
            projectID: try row.decode(0, as: UUID.self), version: try row.decode(1, as: Int.self),
            reason: try row.decode(2, as: String.self),
            factors: try decoder.decode(ProjectFactors.self, from: Data(try row.decode(3, as: PostgresJSON.self).bytes)),
            phases: try decoder.decode([PhaseBaseline].self, from: Data(try row.decode(4, as: PostgresJSON.self).bytes)),
            createdAt: try row.decode(5, as: Date.self))
    }
}

extension RepositorySource {
    /// A project's plan and its versions.
    public var baselines: BaselineRepository { BaselineRepository(executor: executor) }
}
