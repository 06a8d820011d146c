import AsyncHTTPClient
import Crypto
import Foundation
import GantryCore
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// Webhooks to a loopback receiver: signed, retried the Standard Webhooks way, and failed, disabled
/// or handed back to the queue as the receiver's answer says.
@Suite("notify.send webhooks", .migratedDatabase)
struct NotifyWebhookTests: NotifySuite {
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
}
