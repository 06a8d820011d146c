import AsyncHTTPClient
import Crypto
import Foundation
import GantryCore
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// One delivery per (project, event, recipient): a job run twice, a second job for the same event,
/// and racing jobs send once.
@Suite("notify.send at most once", .migratedDatabase)
struct NotifyOnceTests: NotifySuite {
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
}
