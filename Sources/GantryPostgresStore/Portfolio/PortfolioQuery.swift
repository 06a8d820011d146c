import FoundationEssentials
import GantryDomain
import GantryPostgres

/// Reads the portfolio (`GET /v1/portfolio`, `gantry portfolio`): every project with its current
/// phase, health and latest forecast, the review gates and go-lives still ahead.
///
/// Read-only and set-based: two statements whatever the number of projects (hundreds), in one
/// read-only REPEATABLE READ transaction, so the ranking, the gates and the counts all describe the
/// same moment even while the coordinator advances projects.
public struct PortfolioQuery: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// The portfolio as of `now` (forecast ages are measured from it, and a gate planned to end
    /// before its UTC day is overdue).
    public func snapshot(now: Date = Date()) async throws -> PortfolioSnapshot {
        try await executor.transaction { connection in
            // On a pool this is our own transaction; inside a caller's, its isolation is the caller's.
            if case .pool = executor {
                try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            }
            let projects = try await Self.projects(connection)
            let gates = try await Self.gates(connection)
            let goLives = try await Self.goLives(connection)
            return PortfolioSnapshot(
                generatedAt: now, today: CalendarDay(unixMilliseconds: Int64((now.timeIntervalSince1970 * 1000).rounded(.down))), projects: projects, upcomingGates: gates,
                goLives: goLives)
        }
    }

    /// Every project, ranked by slip. The latest estimate is `estimates_project_created`'s first row
    /// per project; the current phase is the first one by ordinal that is not done.
    static func projects(_ connection: PostgresConnection) async throws -> [PortfolioProjectRow] {
        let result = try await connection.query(
            """
            SELECT p.id, p.name, p.status, cur.phase, p.at_risk, p.target_date, e.p80_finish,
                   (e.p80_finish - p.target_date) AS slip_days, e.created_at
            FROM projects p
            LEFT JOIN LATERAL (
                SELECT phase FROM phases WHERE project_id = p.id AND state <> 'done' ORDER BY ordinal LIMIT 1
            ) cur ON true
            LEFT JOIN LATERAL (
                SELECT p80_finish, created_at FROM estimates WHERE project_id = p.id
                ORDER BY created_at DESC, id DESC LIMIT 1
            ) e ON true
            ORDER BY slip_days DESC NULLS LAST, p.name, p.id
            """)
        return try result.rows.map { row in
            PortfolioProjectRow(
                id: try row.decode(0, as: UUID.self), name: try row.decode(1, as: String.self),
                status: try row.decodeRaw(2, as: ProjectRecord.Status.self),
                currentPhase: try row.decode(3, as: String?.self).map { text in
                    guard let phase = DeliveryPhase(rawValue: text) else {
                        throw CRMStoreError(.corruptRow, message: "phases.phase holds '\(text)', unknown to DeliveryPhase")
                    }
                    return phase
                },
                atRisk: try row.decode(4, as: Bool.self), targetDate: try row.decode(5, as: CalendarDay?.self),
                p80Finish: try row.decode(6, as: CalendarDay?.self), slipDays: try row.decode(7, as: Int?.self),
                forecastCreatedAt: try row.decode(8, as: Date?.self))
        }
    }

    /// The watched gates (`PortfolioGate.watched`) that are not done, of projects not cancelled.
    static func gates(_ connection: PostgresConnection) async throws -> [PortfolioGate] {
        let pairs = PortfolioGate.watched.map { "('\($0.phase.rawValue)', '\($0.step)')" }.joined(separator: ", ")
        let result = try await connection.query(
            """
            SELECT p.id, p.name, ph.phase, s.step, s.state, s.planned_end
            FROM phase_steps s
            JOIN phases ph ON ph.id = s.phase_id
            JOIN projects p ON p.id = ph.project_id
            WHERE (ph.phase, s.step) IN (\(unsafeRaw: pairs))
              AND s.state <> 'done' AND p.status <> 'cancelled'
            ORDER BY s.planned_end NULLS LAST, p.name, p.id, ph.ordinal
            """)
        return try result.rows.map { row in
            PortfolioGate(
                projectID: try row.decode(0, as: UUID.self), projectName: try row.decode(1, as: String.self),
                phase: try row.decodeRaw(2, as: DeliveryPhase.self), step: try row.decode(3, as: String.self),
                state: try row.decodeRaw(4, as: PhaseState.self), plannedEnd: try row.decode(5, as: CalendarDay?.self))
        }
    }

    /// The ends of `deployment_and_training` not done yet, of projects not cancelled, with the latest
    /// estimate's P80 finish.
    static func goLives(_ connection: PostgresConnection) async throws -> [PortfolioGoLive] {
        let result = try await connection.query(
            """
            SELECT p.id, p.name, ph.state, ph.planned_end, e.p80_finish
            FROM phases ph
            JOIN projects p ON p.id = ph.project_id
            LEFT JOIN LATERAL (
                SELECT p80_finish FROM estimates WHERE project_id = p.id ORDER BY created_at DESC, id DESC LIMIT 1
            ) e ON true
            WHERE ph.phase = \(DeliveryPhase.deploymentAndTraining.rawValue)
              AND ph.state <> 'done' AND p.status <> 'cancelled'
            ORDER BY ph.planned_end NULLS LAST, p.name, p.id
            """)
        return try result.rows.map { row in
            PortfolioGoLive(
                projectID: try row.decode(0, as: UUID.self), projectName: try row.decode(1, as: String.self),
                state: try row.decodeRaw(2, as: PhaseState.self), planned: try row.decode(3, as: CalendarDay?.self),
                p80Finish: try row.decode(4, as: CalendarDay?.self))
        }
    }
}

extension RepositorySource {
    /// The portfolio view (read-only).
    public var portfolio: PortfolioQuery { PortfolioQuery(executor: executor) }
}
