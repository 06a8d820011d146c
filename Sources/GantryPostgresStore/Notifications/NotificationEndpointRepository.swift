import FoundationEssentials
import Glibc
import GantryPostgres

/// Stores a project's notification endpoints (`notification_endpoints`).
///
/// Each call is one statement; built on a connection, it joins the caller's open transaction.
/// The table checks the shapes (URL, `whsec_` secret, address): a bad one fails with SQLSTATE 23514.
public struct NotificationEndpointRepository: Sendable {
    let executor: StoreExecutor

    public init(pool: PostgresConnectionPool) { executor = .pool(pool) }
    /// Statements run on `connection` and join its open transaction, if any.
    public init(connection: PostgresConnection) { executor = .connection(connection) }

    /// Adds a webhook endpoint. `secret` is `whsec_` + base64 of 24–64 random bytes
    /// (GantryJobs' `WebhookSecret.generate()` makes one).
    @discardableResult
    public func createWebhook(
        projectID: UUID, url: String, secret: String, name: String? = nil, ratePerSecond: Double = 10, burst: Int = 10
    ) async throws -> NotificationEndpointRecord {
        try await insert(
            projectID: projectID, channel: .webhook, name: name, url: url, secret: secret, email: nil,
            ratePerSecond: ratePerSecond, burst: burst)
    }

    /// Adds an e-mail endpoint; the address is stored lower-cased.
    @discardableResult
    public func createEmail(
        projectID: UUID, address: String, name: String? = nil, ratePerSecond: Double = 10, burst: Int = 10
    ) async throws -> NotificationEndpointRecord {
        try await insert(
            projectID: projectID, channel: .email, name: name, url: nil, secret: nil, email: address.lowercased(),
            ratePerSecond: ratePerSecond, burst: burst)
    }

    func insert(
        projectID: UUID, channel: NotificationChannel, name: String?, url: String?, secret: String?, email: String?,
        ratePerSecond: Double, burst: Int
    ) async throws -> NotificationEndpointRecord {
        let result = try await executor.query(
            """
            INSERT INTO notification_endpoints (project_id, channel, name, url, secret, email, rate_per_second, burst)
            VALUES (\(projectID), \(channel.rawValue), \(name), \(url), \(secret), \(email), \(ratePerSecond),
                    \(Int32(clamping: burst)))
            RETURNING \(unsafeRaw: Self.columns)
            """)
        guard let row = result.first else {
            throw NotificationStoreError(.corruptRow, message: "INSERT INTO notification_endpoints returned no row")
        }
        return try Self.endpoint(from: row)
    }

    public func endpoint(_ id: UUID) async throws -> NotificationEndpointRecord? {
        let result = try await executor.query(
            "SELECT \(unsafeRaw: Self.columns) FROM notification_endpoints WHERE id = \(id)")
        return try result.first.map(Self.endpoint(from:))
    }

    /// The project's endpoints in the order they were added; disabled ones only when asked.
    public func endpoints(of projectID: UUID, includeDisabled: Bool = false) async throws -> [NotificationEndpointRecord] {
        let result = try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM notification_endpoints
            WHERE project_id = \(projectID) AND (\(includeDisabled) OR disabled_at IS NULL)
            ORDER BY created_at, id
            """)
        return try result.rows.map(Self.endpoint(from:))
    }

    /// Disables the endpoint (a receiver's 410 Gone, or by hand). Returns false when it was already
    /// disabled: the first reason is kept.
    @discardableResult
    public func disable(_ id: UUID, reason: String) async throws -> Bool {
        let result = try await executor.query(
            """
            UPDATE notification_endpoints SET disabled_at = now(), disabled_reason = \(reason)
            WHERE id = \(id) AND disabled_at IS NULL
            """)
        return result.affectedRows == 1
    }

    /// Enables a disabled endpoint again.
    public func enable(_ id: UUID) async throws {
        let result = try await executor.query(
            "UPDATE notification_endpoints SET disabled_at = NULL, disabled_reason = NULL WHERE id = \(id)")
        guard result.affectedRows == 1 else {
            throw NotificationStoreError(.endpointNotFound, endpointID: id, message: "no notification endpoint \(id)")
        }
    }

    // MARK: Rows

    static let columns = """
        id, project_id, channel, name, url, secret, email, rate_per_second, burst, disabled_at, disabled_reason,
        created_at
        """

    static func endpoint(from row: PostgresRow) throws -> NotificationEndpointRecord {
        NotificationEndpointRecord(
            id: try row.decode(0, as: UUID.self), projectID: try row.decode(1, as: UUID.self),
            channel: try row.decodeRaw(2, as: NotificationChannel.self), name: try row.decode(3, as: String?.self),
            url: try row.decode(4, as: String?.self), secret: try row.decode(5, as: String?.self),
            email: try row.decode(6, as: String?.self), ratePerSecond: try row.decode(7, as: Double.self),
            burst: try row.decode(8, as: Int.self), disabledAt: try row.decode(9, as: Date?.self),
            disabledReason: try row.decode(10, as: String?.self), createdAt: try row.decode(11, as: Date.self))
    }
}
