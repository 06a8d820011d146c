import FoundationEssentials
import Glibc
import GantryPostgres

/// Stores a project's notification endpoints (`notification_endpoints`).
///
/// Each call is one statement (reading a legacy plain secret adds one that seals it); built on a
/// connection, it joins the caller's open transaction. The table checks the shapes (URL, address,
/// sealed secret): a bad one fails with SQLSTATE 23514.
///
/// Webhook secrets are stored sealed (`secret_sealed`, AES-GCM through `sealer`), never in plain
/// text. A row from before migration 8 still has its plain `secret`: the first read with a sealer
/// seals it and clears the plain column; a row sealed under a previous key is sealed again under the
/// current one on read (key rotation needs no batch job). Without a sealer, creating a webhook or
/// reading one fails with `secretKeyMissing`; e-mail endpoints need none.
public struct NotificationEndpointRepository: Sendable {
    let executor: StoreExecutor
    let sealer: (any NotificationSecretSealer)?

    public init(executor: StoreExecutor, sealer: (any NotificationSecretSealer)? = nil) {
        self.executor = executor
        self.sealer = sealer
    }

    public init(pool: PostgresConnectionPool, sealer: (any NotificationSecretSealer)? = nil) {
        self.init(executor: .pool(pool), sealer: sealer)
    }

    /// Statements run on `connection` and join its open transaction, if any.
    public init(connection: PostgresConnection, sealer: (any NotificationSecretSealer)? = nil) {
        self.init(executor: .connection(connection), sealer: sealer)
    }

    /// Adds a webhook endpoint. `secret` is `whsec_` + base64 of 24–64 random bytes
    /// (GantryJobs' `WebhookSecret.generate()` makes one); it is stored sealed.
    @discardableResult
    public func createWebhook(
        projectID: UUID, url: String, secret: String, name: String? = nil, ratePerSecond: Double = 10, burst: Int = 10
    ) async throws -> NotificationEndpointRecord {
        guard secret.hasPrefix("whsec_"), secret.utf8.count <= 200,
            secret.dropFirst(6).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) })
        else {
            throw NotificationStoreError(.corruptRow, message: "a webhook secret is whsec_ followed by base64")
        }
        let sealed = try requireSealer(nil).seal(secret)
        return try await insert(
            projectID: projectID, channel: .webhook, name: name, url: url, sealedSecret: sealed, email: nil,
            ratePerSecond: ratePerSecond, burst: burst)
    }

    /// Adds an e-mail endpoint; the address is stored lower-cased.
    @discardableResult
    public func createEmail(
        projectID: UUID, address: String, name: String? = nil, ratePerSecond: Double = 10, burst: Int = 10
    ) async throws -> NotificationEndpointRecord {
        try await insert(
            projectID: projectID, channel: .email, name: name, url: nil, sealedSecret: nil, email: address.lowercased(),
            ratePerSecond: ratePerSecond, burst: burst)
    }

    func insert(
        projectID: UUID, channel: NotificationChannel, name: String?, url: String?, sealedSecret: String?,
        email: String?, ratePerSecond: Double, burst: Int
    ) async throws -> NotificationEndpointRecord {
        let result = try await executor.query(
            """
            INSERT INTO notification_endpoints
                (project_id, channel, name, url, secret_sealed, email, rate_per_second, burst)
            VALUES (\(projectID), \(channel.rawValue), \(name), \(url), \(sealedSecret), \(email), \(ratePerSecond),
                    \(Int32(clamping: burst)))
            RETURNING \(unsafeRaw: Self.columns)
            """)
        guard let row = result.first else {
            throw NotificationStoreError(.corruptRow, message: "INSERT INTO notification_endpoints returned no row")
        }
        return try await endpoint(from: row)
    }

    public func endpoint(_ id: UUID) async throws -> NotificationEndpointRecord? {
        let result = try await executor.query(
            "SELECT \(unsafeRaw: Self.columns) FROM notification_endpoints WHERE id = \(id)")
        guard let row = result.first else { return nil }
        return try await endpoint(from: row)
    }

    /// The project's endpoints in the order they were added; disabled ones only when asked.
    public func endpoints(of projectID: UUID, includeDisabled: Bool = false) async throws -> [NotificationEndpointRecord] {
        let result = try await executor.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM notification_endpoints
            WHERE project_id = \(projectID) AND (\(includeDisabled) OR disabled_at IS NULL)
            ORDER BY created_at, id
            """)
        var endpoints: [NotificationEndpointRecord] = []
        for row in result.rows { endpoints.append(try await endpoint(from: row)) }
        return endpoints
    }

    /// Disables the endpoint (a receiver's 410 Gone, or by hand). Returns false when it was already
    /// disabled: the first reason is kept.
    @discardableResult
    public func disable(_ id: UUID, reason: String) async throws -> Bool {
        let result = try await executor.query(
            """
            UPDATE notification_endpoints SET disabled_at = now(), disabled_reason = \(NotificationText.storable(reason))
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

    // MARK: Secrets

    func requireSealer(_ endpointID: UUID?) throws -> any NotificationSecretSealer {
        guard let sealer else {
            throw NotificationStoreError(
                .secretKeyMissing, endpointID: endpointID,
                message: "webhook secrets are sealed with GANTRY_SECRET_KEY, which this process does not have"
                    + (endpointID.map { " (endpoint \($0.uuidString.lowercased()))" } ?? ""))
        }
        return sealer
    }

    /// Opens the row's secret; seals a plain one, and reseals one under an older key, in place.
    func secret(id: UUID, plain: String?, sealed: String?) async throws -> NotificationSecret? {
        if plain == nil && sealed == nil { return nil }
        let sealer = try requireSealer(id)
        if let sealed {
            let opened: (secret: String, isUnderOlderKey: Bool)
            do {
                opened = try sealer.open(sealed)
            } catch {
                throw NotificationStoreError(
                    .secretUnreadable, endpointID: id,
                    message: "the secret of endpoint \(id.uuidString.lowercased()) does not open: \(error)")
            }
            if opened.isUnderOlderKey {
                // Only if nobody changed it meanwhile; losing that race loses nothing.
                try await executor.query(
                    """
                    UPDATE notification_endpoints SET secret_sealed = \(try sealer.seal(opened.secret))
                    WHERE id = \(id) AND secret_sealed = \(sealed)
                    """)
            }
            return NotificationSecret(opened.secret)
        }
        guard let plain else { return nil }
        try await executor.query(
            """
            UPDATE notification_endpoints SET secret_sealed = \(try sealer.seal(plain)), secret = NULL
            WHERE id = \(id) AND secret = \(plain)
            """)
        return NotificationSecret(plain)
    }

    // MARK: Rows

    static let columns = """
        id, project_id, channel, name, url, secret, email, rate_per_second, burst, disabled_at, disabled_reason,
        created_at, secret_sealed
        """

    func endpoint(from row: PostgresRow) async throws -> NotificationEndpointRecord {
        let id = try row.decode(0, as: UUID.self)
        let secret = try await secret(
            id: id, plain: try row.decode(5, as: String?.self), sealed: try row.decode(12, as: String?.self))
        return NotificationEndpointRecord(
            id: id, projectID: try row.decode(1, as: UUID.self),
            channel: try row.decodeRaw(2, as: NotificationChannel.self), name: try row.decode(3, as: String?.self),
            url: try row.decode(4, as: String?.self), secret: secret,
            email: try row.decode(6, as: String?.self), ratePerSecond: try row.decode(7, as: Double.self),
            burst: try row.decode(8, as: Int.self), disabledAt: try row.decode(9, as: Date?.self),
            disabledReason: try row.decode(10, as: String?.self), createdAt: try row.decode(11, as: Date.self))
    }
}
