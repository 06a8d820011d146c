import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgres
import GantryPostgresStore

/// Many open projects for `gantry bench scale`, under one throwaway client of their own
/// (`gantry-bench-<pid>`) so that removing them touches nothing else.
///
/// One project is made the ordinary way (`ProjectRepository.createProject`: five phases, their
/// steps, the baseline), and the rest are copies of its rows made by a few `INSERT … SELECT`
/// statements, so ten thousand projects take seconds rather than ten thousand round trips, and
/// each looks like one a user made.
struct BenchProjects: Sendable {
    let clientID: UUID
    let count: Int

    /// Creates `count` (at least 1) active projects in one transaction.
    static func seed(_ count: Int, in pool: PostgresConnectionPool) async throws -> BenchProjects {
        let today = CalendarDay(unixMilliseconds: WallClock.nowMs())
        let clientID = try await pool.transaction { connection in
            let executor = StoreExecutor.connection(connection)
            let client = try await ClientRepository(executor: executor).createClient(
                name: "gantry-bench-\(ProcessInfo.processInfo.processIdentifier)", size: .medium)
            let template = try await ProjectRepository(executor: executor).createProject(
                clientID: client.id, name: "bench project 1", startDate: today, status: .active)
            let copies = Int64(count)
            let t = template.id
            let c = client.id
            _ = try await connection.query(
                """
                INSERT INTO projects (client_id, name, start_date, target_date, factors, status)
                SELECT client_id, 'bench project ' || n, start_date, target_date, factors, status
                FROM projects, generate_series(2, \(copies)) AS n WHERE id = \(t)
                """)
            // Fresh statistics, or the planner takes the tables for as small as before and joins the copies
            // below by nested scans (minutes instead of seconds at ten thousand projects).
            try await connection.execute(unsafeSQL: "ANALYZE projects")
            _ = try await connection.query(
                """
                INSERT INTO phases (project_id, phase, ordinal, planned_start, planned_end, state)
                SELECT p.id, t.phase, t.ordinal, t.planned_start, t.planned_end, t.state
                FROM projects p JOIN phases t ON t.project_id = \(t)
                WHERE p.client_id = \(c) AND p.id <> \(t)
                """)
            try await connection.execute(unsafeSQL: "ANALYZE phases")
            _ = try await connection.query(
                """
                INSERT INTO phase_steps (phase_id, step, ordinal, planned_start, planned_end, state)
                SELECT ph.id, s.step, s.ordinal, s.planned_start, s.planned_end, s.state
                FROM projects p
                JOIN phases ph ON ph.project_id = p.id
                JOIN phases tph ON tph.project_id = \(t) AND tph.phase = ph.phase
                JOIN phase_steps s ON s.phase_id = tph.id
                WHERE p.client_id = \(c) AND p.id <> \(t)
                """)
            _ = try await connection.query(
                """
                INSERT INTO project_baselines (project_id, version, reason, factors, phases)
                SELECT p.id, b.version, b.reason, b.factors, b.phases
                FROM projects p JOIN project_baselines b ON b.project_id = \(t)
                WHERE p.client_id = \(c) AND p.id <> \(t)
                """)
            return client.id
        }
        return BenchProjects(clientID: clientID, count: count)
    }

    /// Deletes the projects (their phases, steps, baselines and events go with them: `ON DELETE
    /// CASCADE`) and their client.
    func remove(from pool: PostgresConnectionPool) async throws {
        try await pool.transaction { connection in
            _ = try await connection.query("DELETE FROM projects WHERE client_id = \(clientID)")
            _ = try await connection.query("DELETE FROM clients WHERE id = \(clientID)")
        }
    }
}
