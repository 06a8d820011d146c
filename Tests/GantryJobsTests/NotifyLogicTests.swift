import Foundation
import GantryCore
import Testing

@testable import GantryJobs

/// The parts of `notify.send` that need no server and are the handler's own: its retry backoff and
/// its payload checks. (Signatures, dates, rate limits and SMTP framing are GantryDelivery's.)
@Suite("notify.send logic")
struct NotifyLogicTests {
    @Test
    func backoffGrowsByItsMultiplierUpToItsCap() {
        let policy = NotifyRetryPolicy(attemptsPerRun: 5, initialBackoffMs: 100, multiplier: 2, maximumBackoffMs: 500)
        #expect((1...5).map(policy.backoffMs(afterAttempt:)) == [100, 200, 400, 500, 500])
        #expect(NotifyRetryPolicy(attemptsPerRun: 0).attemptsPerRun == 1)
    }

    @Test
    func schemaRefusesUnknownEventTypesAndRecipientsWithoutAnAddress() throws {
        let project = UUID().uuidString.lowercased()
        let good: JSONValue = [
            "project_id": .string(project),
            "event": ["id": "e-1", "type": "phase_changed", "subject": "Design done", "data": ["phase": "system_design"]],
        ]
        try NotifySendKind.schema.validate(good)
        var badType = good
        if case .object(var fields) = good, case .object(var event)? = fields["event"] {
            event["type"] = "lunch_ready"
            fields["event"] = .object(event)
            badType = .object(fields)
        }
        #expect(throws: GantryError.self) { try NotifySendKind.schema.validate(badType) }

        func request(_ recipients: JSONValue) throws -> NotifyRequest {
            guard case .object(var fields) = good else { throw JobError.permanent("not an object") }
            fields["recipients"] = recipients
            return try NotifyRequest(payload: fields)
        }
        #expect(throws: JobError.self) { try request([[:]]) }
        #expect(throws: JobError.self) { try request([["email": "not-an-address"]]) }
        #expect(throws: JobError.self) { try request([["email": "a@b.example", "endpoint_id": .string(project)]]) }
        let parsed = try request([["email": "PM@Client.Example"], ["email": "pm@client.example"]])
        #expect(parsed.recipients == [.email("pm@client.example")])
    }
}
