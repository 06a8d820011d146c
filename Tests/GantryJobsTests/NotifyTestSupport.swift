import AsyncHTTPClient
import Crypto
import Foundation
import GantryCore
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// What every `notify.send` suite shares: a project on PostgreSQL, its webhook keys and an HTTP
/// client (`NotifyFixture`), fast retries, loopback receivers allowed, and a receiver's signature check.
enum NotifyHarness {
    /// Millisecond backoff, so retried deliveries do not slow the suite.
    static let fastRetry = NotifyRetryPolicy(
        attemptsPerRun: 3, initialBackoffMs: 1, multiplier: 2, maximumBackoffMs: 5, maximumInlineWaitMs: 5_000)

    /// The loopback receivers are on-premise ones: allowed explicitly, as GANTRY_WEBHOOK_ALLOW would.
    static let loopbackAllowed = WebhookAddressGuard(allowing: [IPNetwork("127.0.0.1/32")!])
}

/// Everything one test needs; `close()` stops it all.
struct NotifyFixture {
    let pool: PostgresConnectionPool
    let project: ProjectRecord
    let http: LazyHTTPClient
    /// The key of this test's webhook secrets (GANTRY_SECRET_KEY).
    let keys: SecretKeyRing

    static func make() async throws -> NotifyFixture {
        let pool = try await migratedDatabase()
        return NotifyFixture(
            pool: pool, project: try await createProject(in: pool), http: LazyHTTPClient(),
            keys: try SecretKeyRing(current: SecretKeyRing.generateKeyText()))
    }

    func close() async {
        try? await http.shutdown()
        await pool.close()
    }

    var endpoints: NotificationEndpointRepository { NotificationEndpointRepository(pool: pool, sealer: keys) }

    func webhook(_ server: WebhookTestServer, secret: WebhookSecret = .generate()) async throws -> NotificationEndpointRecord {
        try await endpoints.createWebhook(
            projectID: project.id, url: server.url, secret: secret.text, name: "test receiver")
    }

    func job(
        event: String = "phase-1-done", type: String = "phase_changed", subject: String = "Requirements analysis is done",
        data: [String: JSONValue] = ["phase": "requirements_analysis"], recipients: JSONValue? = nil,
        attempt: Int = 1, maxAttempts: Int = 5
    ) -> JobEnvelope {
        var payload: [String: JSONValue] = [
            "project_id": .string(project.id.uuidString.lowercased()),
            "event": .object(["id": .string(event), "type": .string(type), "subject": .string(subject), "data": .object(data)]),
        ]
        payload["recipients"] = recipients
        var job = JobEnvelope(
            kind: NotifySendKind.name, payload: .object(payload), projectID: project.id.uuidString.lowercased(),
            maxAttempts: maxAttempts)
        job.attempt = attempt
        return job
    }

    /// Runs `job` as a worker would: through a `HandlerRegistry`, which decodes the payload.
    func run(
        _ job: JobEnvelope, retry: NotifyRetryPolicy = NotifyHarness.fastRetry,
        webhookTimeout: Duration = .seconds(15), smtp: SMTPConfiguration? = nil,
        webhookGuard: WebhookAddressGuard = NotifyHarness.loopbackAllowed, http: LazyHTTPClient? = nil,
        keys: SecretKeyRing?? = .none
    ) async throws -> JSONValue? {
        var registry = HandlerRegistry()
        NotifySendHandler.register(
            into: &registry, store: GantryStore(pool: pool), httpClient: http ?? self.http,
            configuration: NotifyConfiguration(
                retry: retry, webhookTimeout: webhookTimeout, smtp: smtp, webhookGuard: webhookGuard,
                secretKeys: keys ?? self.keys))
        let handler = try #require(registry.handler(for: NotifySendKind.name))
        let context = JobContext(
            envelope: job, logger: .init(label: "test"), deadlineMs: WallClock.nowMs() + 60_000, progress: { _, _ in })
        return try await handler(job.payload, context)
    }

    func deliveries(_ event: String = "phase-1-done") async throws -> [NotificationDeliveryRecord] {
        try await NotificationDeliveryRepository(pool: pool).deliveries(eventID: event, projectID: project.id)
    }

    func attempts(_ delivery: NotificationDeliveryRecord) async throws -> [NotificationAttemptRecord] {
        try await NotificationDeliveryRepository(pool: pool).attempts(of: delivery.id)
    }
}

/// A `notify.send` suite: its tests reach the harness by the short names.
protocol NotifySuite {}

extension NotifySuite {
    typealias Fixture = NotifyFixture
    static var fastRetry: NotifyRetryPolicy { NotifyHarness.fastRetry }
    static var loopbackAllowed: WebhookAddressGuard { NotifyHarness.loopbackAllowed }

    /// The `JobError` that `body` throws, or nil.
    func jobError(_ body: () async throws -> Void) async -> JobError? {
        do {
            try await body()
            return nil
        } catch let error as JobError {
            return error
        } catch {
            Issue.record("expected a JobError, got \(error)")
            return nil
        }
    }

    /// What a Standard Webhooks receiver does: recompute the HMAC and compare in constant time.
    func signatureIsValid(_ request: WebhookTestServer.Request, secret: WebhookSecret) -> Bool {
        guard let id = request.headers["webhook-id"], let timestamp = request.headers["webhook-timestamp"],
            let header = request.headers["webhook-signature"]
        else { return false }
        let key = SymmetricKey(data: secret.key)
        let signed = Array("\(id).\(timestamp).".utf8) + request.body
        return header.split(separator: " ").contains { candidate in
            guard candidate.hasPrefix("v1,"), let mac = Data(base64Encoded: String(candidate.dropFirst(3))) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: key)
        }
    }
}
