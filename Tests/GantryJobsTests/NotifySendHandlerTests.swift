import AsyncHTTPClient
import Crypto
import Foundation
import GantryCore
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import Testing

/// `notify.send` against real servers: PostgreSQL from the harness, a webhook receiver and an SMTP
/// relay on loopback.
@Suite("notify.send")
struct NotifySendHandlerTests {
    /// Millisecond backoff, so retried deliveries do not slow the suite.
    static let fastRetry = NotifyRetryPolicy(
        attemptsPerRun: 3, initialBackoffMs: 1, multiplier: 2, maximumBackoffMs: 5, maximumInlineWaitMs: 5_000)

    /// The loopback receivers are on-premise ones: allowed explicitly, as GANTRY_WEBHOOK_ALLOW would.
    static let loopbackAllowed = WebhookAddressGuard(allowing: [IPNetwork("127.0.0.1/32")!])

    /// Everything one test needs; `close()` stops it all.
    struct Fixture {
        let pool: PostgresConnectionPool
        let project: ProjectRecord
        let http: LazyHTTPClient
        /// The key of this test's webhook secrets (GANTRY_SECRET_KEY).
        let keys: SecretKeyRing

        static func make() async throws -> Fixture {
            let pool = try await migratedDatabase()
            return Fixture(
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
            _ job: JobEnvelope, retry: NotifyRetryPolicy = NotifySendHandlerTests.fastRetry,
            webhookTimeout: Duration = .seconds(15), smtp: SMTPConfiguration? = nil,
            webhookGuard: WebhookAddressGuard = NotifySendHandlerTests.loopbackAllowed, http: LazyHTTPClient? = nil,
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

    // MARK: Webhooks

    @Test
    func webhookIsDeliveredWithASignatureTheReceiverVerifies() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start()
        let secret = WebhookSecret.generate()
        let endpoint = try await fixture.webhook(server, secret: secret)

        let result = try #require(try await fixture.run(fixture.job()))

        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(signatureIsValid(request, secret: secret))
        #expect(!signatureIsValid(request, secret: .generate()))
        #expect(request.path == "/hooks/gantry" && request.headers["content-type"] == "application/json")
        #expect(Int64(request.headers["webhook-timestamp"] ?? "") != nil)
        let body = try JSONValue.parse(request.body)
        #expect(body["type"] == "phase_changed")
        #expect(body["data"]?["event_id"] == "phase-1-done")
        #expect(body["data"]?["project_id"] == .string(fixture.project.id.uuidString.lowercased()))
        #expect(body["data"]?["details"]?["phase"] == "requirements_analysis")

        let delivery = try #require(try await fixture.deliveries().first)
        #expect(delivery.state == .sent && delivery.attempts == 1 && delivery.responseCode == 200)
        #expect(delivery.endpointID == endpoint.id && delivery.recipient == endpoint.recipient)
        #expect(delivery.claimedBy == nil && delivery.finishedAt != nil)
        // The stored body is what went out, and the webhook-id names the delivery.
        #expect(delivery.message == request.bodyText)
        #expect(request.headers["webhook-id"] == "msg_\(delivery.id.uuidString.lowercased())")
        let attempts = try await fixture.attempts(delivery)
        #expect(attempts.map(\.outcome) == [.delivered] && attempts.first?.responseCode == 200)
        #expect(attempts.first.map { $0.latencyMs >= 0 } == true)
        #expect(result["sent"] == 1 && result["failed"] == 0 && result["pending"] == 0)

        await server.stop()
        await fixture.close()
    }

    @Test
    func serverErrorIsRetriedWithTheSameIdAndBodyThenDelivered() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start([.status(500), .status(200)])
        let secret = WebhookSecret.generate()
        _ = try await fixture.webhook(server, secret: secret)

        let result = try #require(try await fixture.run(fixture.job()))

        #expect(server.requests.count == 2)
        #expect(server.requests.allSatisfy { signatureIsValid($0, secret: secret) })
        #expect(Set(server.requests.map { $0.headers["webhook-id"] ?? "" }).count == 1)
        #expect(Set(server.requests.map(\.bodyText)).count == 1)
        let delivery = try #require(try await fixture.deliveries().first)
        #expect(delivery.state == .sent && delivery.attempts == 2)
        let attempts = try await fixture.attempts(delivery)
        #expect(attempts.map(\.outcome) == [.retryable, .delivered])
        #expect(attempts.map(\.responseCode) == [500, 200])
        #expect(attempts.map(\.attemptNo) == [1, 2])
        #expect(result["sent"] == 1)

        await server.stop()
        await fixture.close()
    }

    @Test
    func timedOutRequestIsRetried() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start([.hang, .status(204)])
        _ = try await fixture.webhook(server)

        _ = try await fixture.run(fixture.job(), webhookTimeout: .milliseconds(300))

        #expect(server.requests.count == 2)
        let delivery = try #require(try await fixture.deliveries().first)
        #expect(delivery.state == .sent && delivery.responseCode == 204)
        let attempts = try await fixture.attempts(delivery)
        #expect(attempts.map(\.outcome) == [.retryable, .delivered])
        #expect(attempts.first?.responseCode == nil)
        #expect(attempts.first?.error?.contains("timed out") == true)

        await server.stop()
        await fixture.close()
    }

    @Test
    func sameJobRunTwiceSendsOnce() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start()
        _ = try await fixture.webhook(server)
        let job = fixture.job()

        let first = try #require(try await fixture.run(job))
        var again = job
        again.attempt = 2
        let second = try #require(try await fixture.run(again))

        #expect(server.requests.count == 1)
        #expect(first["sent"] == 1)
        #expect(second["sent"] == 0 && second["already_sent"] == 1)
        #expect(try await fixture.deliveries().map(\.attempts) == [1])

        await server.stop()
        await fixture.close()
    }

    @Test
    func secondJobForTheSameEventSendsNothing() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start()
        _ = try await fixture.webhook(server)

        _ = try await fixture.run(fixture.job())
        let other = fixture.job()
        let second = try #require(try await fixture.run(other))
        // A new event for the same endpoint is a new notification.
        _ = try await fixture.run(fixture.job(event: "phase-2-done"))

        #expect(server.requests.count == 2)
        #expect(second["already_sent"] == 1)
        #expect(try await fixture.deliveries().count == 1)
        #expect(try await fixture.deliveries("phase-2-done").map(\.state) == [.sent])

        await server.stop()
        await fixture.close()
    }

    @Test
    func racingJobsForOneEventDeliverOnce() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start()
        for _ in 0..<3 { _ = try await fixture.webhook(server) }

        // Four jobs for one event at once: each delivery is claimed by exactly one of them; a job that
        // finds a delivery held by another is handed back to the queue (retryable), never sends it.
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        _ = try await fixture.run(fixture.job())
                        return true
                    } catch let error as JobError {
                        return error.disposition == .permanent ? false : true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }

        #expect(outcomes.allSatisfy { $0 })
        #expect(server.requests.count == 3)
        #expect(Set(server.requests.map { $0.headers["webhook-id"] ?? "" }).count == 3)
        let deliveries = try await fixture.deliveries()
        #expect(deliveries.count == 3 && deliveries.allSatisfy { $0.state == .sent && $0.attempts == 1 })

        await server.stop()
        await fixture.close()
    }

    @Test
    func clientErrorFailsTheDeliveryWithoutRetrying() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start([.status(400)])
        _ = try await fixture.webhook(server)

        let result = try #require(try await fixture.run(fixture.job()))
        let again = try #require(try await fixture.run(fixture.job()))

        #expect(server.requests.count == 1)
        let delivery = try #require(try await fixture.deliveries().first)
        #expect(delivery.state == .failed && delivery.responseCode == 400 && delivery.attempts == 1)
        #expect(delivery.lastError?.contains("HTTP 400") == true)
        #expect(try await fixture.attempts(delivery).map(\.outcome) == [.rejected])
        #expect(result["failed"] == 1 && again["failed"] == 1)

        await server.stop()
        await fixture.close()
    }

    @Test
    func goneDisablesTheEndpoint() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start([.status(410)])
        let endpoint = try await fixture.webhook(server)

        _ = try await fixture.run(fixture.job())
        let later = try #require(try await fixture.run(fixture.job(event: "phase-2-done")))

        #expect(server.requests.count == 1)
        let stored = try #require(try await fixture.endpoints.endpoint(endpoint.id))
        #expect(stored.disabledAt != nil && stored.disabledReason?.contains("410") == true)
        #expect(try await fixture.deliveries().map(\.state) == [.failed])
        // Without recipients only enabled endpoints are notified; named, a disabled one is skipped.
        #expect(later["deliveries"] == .array([]))
        let named = try #require(
            try await fixture.run(
                fixture.job(event: "phase-3-done", recipients: [["endpoint_id": .string(endpoint.id.uuidString.lowercased())]])))
        #expect(named["disabled"] == 1 && server.requests.count == 1)

        await server.stop()
        await fixture.close()
    }

    @Test
    func longRetryAfterHandsTheJobBackToTheQueue() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start([.status(429, headers: [("Retry-After", "120")])])
        _ = try await fixture.webhook(server)

        let error = await jobError { _ = try await fixture.run(fixture.job()) }

        #expect(error?.disposition == .retryable(retryAfterMs: 120_000))
        #expect(server.requests.count == 1)
        let waiting = try #require(try await fixture.deliveries().first)
        #expect(waiting.state == .pending && waiting.claimedBy == nil && waiting.responseCode == 429)
        #expect(try await fixture.attempts(waiting).map(\.outcome) == [.throttled])

        // The queue's retry finds the receiver ready.
        var retry = fixture.job()
        retry.attempt = 2
        let result = try #require(try await fixture.run(retry))
        #expect(result["sent"] == 1 && server.requests.count == 2)
        #expect(try await fixture.deliveries().map(\.attempts) == [2])

        await server.stop()
        await fixture.close()
    }

    @Test
    func shortRetryAfterIsWaitedOutWithinTheRun() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start([.status(503, headers: [("Retry-After", "0")]), .status(200)])
        _ = try await fixture.webhook(server)

        let result = try #require(try await fixture.run(fixture.job()))

        #expect(result["sent"] == 1 && server.requests.count == 2)

        await server.stop()
        await fixture.close()
    }

    @Test
    func persistentServerErrorsReturnToTheQueueAndFailOnTheLastAttempt() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start(Array(repeating: .status(500), count: 6))
        _ = try await fixture.webhook(server)

        let error = await jobError { _ = try await fixture.run(fixture.job(attempt: 1, maxAttempts: 2)) }
        #expect(error?.disposition == .retryable(retryAfterMs: nil))
        #expect(try await fixture.deliveries().map(\.state) == [.pending])

        let last = try #require(try await fixture.run(fixture.job(attempt: 2, maxAttempts: 2)))
        #expect(last["failed"] == 1)
        let delivery = try #require(try await fixture.deliveries().first)
        #expect(delivery.state == .failed && delivery.attempts == 6)
        #expect(delivery.lastError?.contains("gave up after 6 attempts") == true)
        #expect(server.requests.count == 6)

        await server.stop()
        await fixture.close()
    }

    // MARK: E-mail

    @Test
    func emailIsRenderedStoredAndHandedToTheRelayOncePerAddress() async throws {
        let fixture = try await Fixture.make()
        let sink = try await SMTPSink.start()
        let smtp = SMTPConfiguration(host: "127.0.0.1", port: sink.port, from: "gantry@firm.example", tls: .whenOffered)
        _ = try await fixture.endpoints.createEmail(
            projectID: fixture.project.id, address: "PM@Client.Example")
        // A subject starting with a dot makes the body's first line one that DATA must stuff.
        let job = fixture.job(
            type: "forecast_at_risk", subject: ".NET team: P80 finish slips past the target",
            data: ["p80_finish": "2026-10-02", "probability_on_time": 0.42],
            recipients: [["email": "pm@client.example"], ["email": "sponsor@client.example"]])

        let result = try #require(try await fixture.run(job, smtp: smtp))
        _ = try await fixture.run(job, smtp: smtp)

        #expect(result["sent"] == 2)
        let messages = sink.messages
        #expect(messages.count == 2)
        #expect(Set(messages.flatMap(\.to)) == ["pm@client.example", "sponsor@client.example"])
        #expect(messages.allSatisfy { $0.from == "gantry@firm.example" })
        let deliveries = try await fixture.deliveries()
        #expect(deliveries.count == 2 && deliveries.allSatisfy { $0.state == .sent && $0.responseCode == 250 })
        for delivery in deliveries {
            let received = try #require(messages.first { $0.to == [delivery.target] })
            // The relay got exactly the stored message, dot-stuffing undone.
            #expect(received.data == delivery.message)
            #expect(delivery.message.contains("To: \(delivery.target)\r\n"))
            #expect(delivery.message.contains("Subject: [CRM rollout] .NET team: P80 finish slips past the target\r\n"))
            #expect(delivery.message.contains("Message-ID: <\(delivery.id.uuidString.lowercased())@firm.example>\r\n"))
            #expect(delivery.message.contains("\r\n\r\n.NET team: P80 finish slips past the target\r\n"))
            #expect(delivery.message.contains("  probability_on_time: 0.42\r\n"))
        }

        await sink.stop()
        await fixture.close()
    }

    @Test
    func relayRejectionFailsOnlyThatAddress() async throws {
        let fixture = try await Fixture.make()
        let sink = try await SMTPSink.start()
        let smtp = SMTPConfiguration(host: "127.0.0.1", port: sink.port, from: "gantry@firm.example", tls: .disabled)
        let job = fixture.job(recipients: [["email": "rejected@client.example"], ["email": "pm@client.example"]])

        let result = try #require(try await fixture.run(job, smtp: smtp))

        #expect(result["sent"] == 1 && result["failed"] == 1)
        #expect(sink.messages.map(\.to) == [["pm@client.example"]])
        let rejected = try #require(try await fixture.deliveries().first { $0.target == "rejected@client.example" })
        #expect(rejected.state == .failed && rejected.responseCode == 550)
        #expect(try await fixture.attempts(rejected).map(\.outcome) == [.rejected])

        await sink.stop()
        await fixture.close()
    }

    @Test
    func unreachableRelayIsRetriedLater() async throws {
        let fixture = try await Fixture.make()
        let sink = try await SMTPSink.start()
        let port = sink.port
        await sink.stop()
        let smtp = SMTPConfiguration(host: "127.0.0.1", port: port, from: "gantry@firm.example", tls: .disabled)

        let error = await jobError {
            _ = try await fixture.run(fixture.job(recipients: [["email": "pm@client.example"]]), smtp: smtp)
        }

        #expect(error?.disposition == .retryable(retryAfterMs: nil))
        let delivery = try #require(try await fixture.deliveries().first)
        #expect(delivery.state == .pending && delivery.attempts == 3 && delivery.claimedBy == nil)

        await fixture.close()
    }

    // MARK: Refusals

    @Test
    func badRequestsArePermanent() async throws {
        let fixture = try await Fixture.make()
        let other = try await createProject(in: fixture.pool)
        let foreign = try await fixture.endpoints.createWebhook(
            projectID: other.id, url: "http://127.0.0.1:9/x", secret: WebhookSecret.generate().text)

        let wrongProject = await jobError {
            _ = try await fixture.run(fixture.job(recipients: [["endpoint_id": .string(foreign.id.uuidString.lowercased())]]))
        }
        #expect(wrongProject?.disposition == .permanent)
        #expect(wrongProject?.message.contains("recipients[0].endpoint_id") == true)

        var unknownProject = fixture.job()
        if case .object(var fields) = unknownProject.payload {
            fields["project_id"] = .string(UUID().uuidString.lowercased())
            unknownProject.payload = .object(fields)
        }
        #expect(await jobError { _ = try await fixture.run(unknownProject) }?.disposition == .permanent)

        let noRelay = await jobError { _ = try await fixture.run(fixture.job(recipients: [["email": "pm@client.example"]])) }
        #expect(noRelay?.disposition == .permanent && noRelay?.message.contains("SMTP") == true)
        #expect(try await fixture.deliveries().isEmpty)

        await fixture.close()
    }

    @Test
    func endpointTableRefusesMalformedSecretsAndURLs() async throws {
        let fixture = try await Fixture.make()
        let endpoints = fixture.endpoints
        for (url, secret) in [("http://ok.example/h", "sk_live_123"), ("ftp://nope.example", WebhookSecret.generate().text)] {
            do {
                try await endpoints.createWebhook(projectID: fixture.project.id, url: url, secret: secret)
                Issue.record("accepted \(url)")
            } catch let error as PostgresError {
                #expect(error.sqlState == "23514")
            } catch let error as NotificationStoreError {
                // The secret's shape is checked before it is sealed (the table sees only ciphertext).
                #expect(error.code == .corruptRow && !error.message.contains(secret))
            }
        }
        #expect(try await endpoints.endpoints(of: fixture.project.id, includeDisabled: true).isEmpty)
        await fixture.close()
    }
}
