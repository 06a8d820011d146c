import AsyncHTTPClient
import Crypto
import Foundation
import GantryCore
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// What `notify.send` refuses for good: bad payloads, and endpoints the table will not store.
@Suite("notify.send refusals", .migratedDatabase)
struct NotifyRefusalTests: NotifySuite {

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
