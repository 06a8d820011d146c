import AsyncHTTPClient
import Crypto
import Foundation
import GantryCore
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// E-mail through a loopback SMTP relay: rendered and stored once, refused per address, retried when
/// the relay is away.
@Suite("notify.send e-mail", .migratedDatabase)
struct NotifyEmailTests: NotifySuite {

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
}
