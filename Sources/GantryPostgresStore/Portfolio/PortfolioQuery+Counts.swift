import GantryPostgres

extension PortfolioQuery {
    /// Projects counted by current phase (the first by ordinal that is not done; `none` when all
    /// are done or the project has none) and status: what `gantry_projects{phase,status}` shows.
    /// One statement, whatever the number of projects.
    public func countsByPhaseAndStatus() async throws -> [(phase: String, status: String, projects: Int)] {
        let result = try await executor.query(
            """
            SELECT coalesce(cur.phase, 'none'), p.status, count(*)::bigint
            FROM projects p
            LEFT JOIN LATERAL (
                SELECT phase FROM phases WHERE project_id = p.id AND state <> 'done' ORDER BY ordinal LIMIT 1
            ) cur ON true
            GROUP BY 1, 2
            ORDER BY 1, 2
            """)
        return try result.rows.map { row in
            (try row.decode(0, as: String.self), try row.decode(1, as: String.self), Int(try row.decode(2, as: Int64.self)))
        }
    }
}
