import FoundationEssentials
import GantryPostgres

extension NotificationEndpointRepository {
    /// The project's endpoints in the order they were added, without their secrets (no sealed column
    /// is read or opened); disabled ones only when asked.
    public func summaries(of projectID: UUID, includeDisabled: Bool = false) async throws -> [NotificationEndpointSummary] {
        let result = try await executor.query(
            """
            SELECT id, project_id, channel, name, url, email, rate_per_second, burst, disabled_at, disabled_reason, created_at
            FROM notification_endpoints
            WHERE project_id = \(projectID) AND (\(includeDisabled) OR disabled_at IS NULL)
            ORDER BY created_at, id
            """)
        return try result.rows.map { row in
            NotificationEndpointSummary(
                id: try row.decode(0, as: UUID.self), projectID: try row.decode(1, as: UUID.self),
                channel: try row.decodeRaw(2, as: NotificationChannel.self), name: try row.decode(3, as: String?.self),
                url: try row.decode(4, as: String?.self), email: try row.decode(5, as: String?.self),
                ratePerSecond: try row.decode(6, as: Double.self), burst: try row.decode(7, as: Int.self),
                disabledAt: try row.decode(8, as: Date?.self), disabledReason: try row.decode(9, as: String?.self),
                createdAt: try row.decode(10, as: Date.self))
        }
    }

    /// Removes the endpoint when it belongs to `projectID`; false when there is no such endpoint of
    /// that project. Deliveries already made keep their rows (their `endpoint_id` becomes NULL), so
    /// the history of what was sent outlives the endpoint.
    @discardableResult
    public func remove(_ id: UUID, of projectID: UUID) async throws -> Bool {
        let result = try await executor.query(
            "DELETE FROM notification_endpoints WHERE id = \(id) AND project_id = \(projectID)")
        return result.affectedRows == 1
    }
}
