import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore
import Logging
import ServiceLifecycle

/// The one reader behind the dashboard's live feed: it follows every queue's event stream (Redis) and the
/// `project_events` outbox (PostgreSQL) and publishes what it reads to the `EventHub`, so a hundred open
/// pages cost one reader, not a hundred. Neither source can be waited on through the seams the API has
/// (`JobQueueInspection.events` reads a range; the outbox is a table), so the reader looks once a second, and
/// only while someone is connected; with nobody connected it reads nothing and keeps no cursor, and the next
/// subscriber starts from that moment (the page loads the current state itself, then follows the feed).
///
/// Messages (`event:` names): `job` — `{"queue", "type", "count", "ids", "at"}` per stream entry (the first
/// 20 ids); `queues` — every queue's statistics, after a read that saw job events; `project` —
/// `{"seq", "project_id", "type", "phase", "step", "day", "at"}` per outbox row. A comment every
/// `heartbeat` keeps idle connections open and finds the ones whose client has gone.
final class EventFeed: Service, Sendable {
    let hub: EventHub
    let driver: any JobQueueBackend
    let projectEvents: ProjectEventRepository?
    let interval: Duration
    let heartbeat: Duration
    let logger: Logger

    init(
        hub: EventHub, driver: any JobQueueBackend, projectEvents: ProjectEventRepository?, interval: Duration = .seconds(1),
        heartbeat: Duration = .seconds(15), logger: Logger
    ) {
        self.hub = hub
        self.driver = driver
        self.projectEvents = projectEvents
        self.interval = interval
        self.heartbeat = heartbeat
        self.logger = logger
    }

    /// Where the reader is in each source; reset whenever nobody is connected.
    struct Cursors {
        var startMs: Int64
        var queues: [String: String] = [:]
        var projectSeq: Int64
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            // A graceful shutdown cancels the loop (and its sleep) at once.
            try? await cancelWhenGracefulShutdown {
                var cursors: Cursors?
                var lastBeat = ContinuousClock.now
                while !Task.isCancelled {
                    if self.hub.subscriberCount == 0 {
                        cursors = nil
                    } else {
                        do {
                            if cursors == nil {
                                // Two intervals back: what happened between the first subscription and this pass
                                // is sent too (a repeat costs the page one reload; a miss, a stale view).
                                cursors = Cursors(
                                    startMs: WallClock.nowMs() - 2 * Self.ms(self.interval),
                                    projectSeq: try await self.projectEvents?.latestSeq() ?? 0)
                            }
                            try await self.readOnce(&cursors!)
                        } catch {
                            self.logger.warning("live feed read failed", metadata: ["error": "\(error)"])
                        }
                        if ContinuousClock.now - lastBeat >= self.heartbeat {
                            self.hub.publish(ServerSentEvent.comment("keep-alive"))
                            lastBeat = .now
                        }
                    }
                    try await Task.sleep(for: self.interval)
                }
            }
            // Open streams would hold the server open past its grace.
            self.hub.dropAll()
        } onGracefulShutdown: {
            self.hub.dropAll()
        }
    }

    /// One pass over both sources from `cursors`, publishing what is new.
    func readOnce(_ cursors: inout Cursors) async throws {
        let names = try await queueNames()
        var sawJobs = false
        for name in names {
            let cursor = cursors.queues[name.rawValue] ?? "\(cursors.startMs)-0"
            let events = try await driver.events(queue: name, after: cursor, limit: 500)
            for e in events {
                sawJobs = true
                hub.publish(
                    ServerSentEvent.message(
                        event: "job",
                        data: Self.json([
                            "queue": .string(name.rawValue), "type": .string(e.kind.rawValue), "count": .integer(Int64(e.ids.count)),
                            "ids": .array(e.ids.prefix(20).map { .string($0.description) }), "at": .integer(e.atMs),
                        ])))
            }
            if let last = events.last { cursors.queues[name.rawValue] = last.cursor }
        }
        if sawJobs {
            var queues: [JSONValue] = []
            for name in names {
                let s = try await driver.stats(queue: name)
                var o: [String: JSONValue] = [
                    "queue": .string(s.queue), "ready": .integer(Int64(s.ready)), "leased": .integer(Int64(s.leased)),
                    "delayed": .integer(Int64(s.delayed)), "dead": .integer(Int64(s.dead)),
                    "processed": .integer(Int64(s.processed)), "failed": .integer(Int64(s.failed)),
                ]
                if let age = s.oldestReadyAgeMs { o["oldest_ready_age_ms"] = .integer(age) }
                queues.append(.object(o))
            }
            hub.publish(ServerSentEvent.message(event: "queues", data: Self.json(["queues": .array(queues)])))
        }
        if let projectEvents {
            for r in try await projectEvents.events(after: cursors.projectSeq, limit: 200) {
                var o: [String: JSONValue] = [
                    "seq": .integer(r.seq), "project_id": .string(r.projectID.uuidString.lowercased()),
                    "type": .string(r.event.kind.rawValue), "day": .string(r.event.day.description),
                    "at": .integer(Int64(r.occurredAt.timeIntervalSince1970 * 1000)),
                ]
                if let p = r.event.phase { o["phase"] = .string(p.rawValue) }
                if let s = r.event.step { o["step"] = .string(s) }
                hub.publish(ServerSentEvent.message(event: "project", data: Self.json(o)))
                cursors.projectSeq = r.seq
            }
        }
    }

    private func queueNames() async throws -> [QueueName] {
        guard let listing = driver as? any QueueListing else { return [.default] }
        return try await listing.queueNames()
    }

    private static func ms(_ d: Duration) -> Int64 {
        let c = d.components
        return c.seconds * 1_000 + c.attoseconds / 1_000_000_000_000_000
    }

    private static func json(_ object: [String: JSONValue]) -> String {
        JSONValue.object(object).jsonString
    }
}
