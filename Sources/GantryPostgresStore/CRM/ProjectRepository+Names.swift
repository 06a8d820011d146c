import FoundationEssentials
import GantryPostgres

extension ProjectRepository {
    /// The project's name, or nil when there is no such project: what a notification or an import
    /// needs to know, without the phases `project(_:)` reads.
    public func name(of id: UUID) async throws -> String? {
        try await executor.query("SELECT name FROM projects WHERE id = \(id)").first?.decode(0, as: String.self)
    }

    /// The open projects (planned, active or on hold: the ones a delivery firm still steers; done and
    /// cancelled ones are history), by name, at most `limit` of them.
    public func openProjectIDs(limit: Int) async throws -> [UUID] {
        try await executor.query(
            """
            SELECT id FROM projects WHERE status IN ('planned', 'active', 'on_hold')
            ORDER BY name, id LIMIT \(limit)
            """
        ).rows.map { try $0.decode(0, as: UUID.self) }
    }
}
