import Foundation
import GantryCore
import GantryPostgresStore
import GantryTesting
import Testing

@testable import GantryAPI

@Suite("API: schedules", .enabled(if: TestServers.areAvailable))
struct APIScheduleTests {
    static let nightly = #"""
        {"name":"nightly-report","cron":"0 2 * * *","time_zone":"Asia/Shanghai","kind":"report.build",
         "payload":{"scope":"portfolio"},"missed":"catch_up"}
        """#

    @Test
    func anAdminDeclaresPausesResumesAndRemovesAScheduleThatReadersList() async throws {
        try await APIHarness.serve("api schedules") { h, api in
            let created = try await api.call(.post, "/v1/schedules", token: h.admin, json: Self.nightly)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.object["name"] as? String == "nightly-report")
            #expect(created.object["source"] as? String == "api")
            #expect(created.object["missed"] as? String == "catch_up")
            #expect(created.object["paused"] as? Bool == false)
            // 02:00 in Shanghai is 18:00 UTC.
            let next = try #require(created.object["next_fire_at"] as? String)
            #expect(next.contains("T18:00:00"))

            let listed = try await api.call(.get, "/v1/schedules", token: h.read)
            #expect(listed.status == 200)
            let schedules = try #require(listed.object["schedules"] as? [[String: Any]])
            #expect(schedules.map { $0["name"] as? String } == ["nightly-report"])
            #expect((schedules[0]["payload"] as? [String: Any])?["scope"] as? String == "portfolio")

            let paused = try await api.call(.post, "/v1/schedules/nightly-report/pause", token: h.admin)
            #expect(paused.status == 200 && paused.object["paused"] as? Bool == true)
            let resumed = try await api.call(.post, "/v1/schedules/nightly-report/resume", token: h.admin)
            #expect(resumed.status == 200 && resumed.object["paused"] as? Bool == false)
            #expect(resumed.object["next_fire_at"] != nil)

            let removed = try await api.call(.delete, "/v1/schedules/nightly-report", token: h.admin)
            #expect(removed.status == 204)
            let gone = try await api.call(.delete, "/v1/schedules/nightly-report", token: h.admin)
            #expect(gone.status == 404 && gone.errorCode == "not_found")
            #expect(try await api.call(.post, "/v1/schedules/nope/pause", token: h.admin).status == 404)
            #expect(try await api.call(.post, "/v1/schedules/nope/resume", token: h.admin).status == 404)
        }
    }

    @Test
    func aBadExpressionZoneKindOrPayloadIs400WithTheReasonAndTheField() async throws {
        try await APIHarness.serve("api schedules bad") { h, api in
            func post(_ json: String) async throws -> APIClient.Answer {
                try await api.call(.post, "/v1/schedules", token: h.admin, json: json)
            }
            let cron = try await post(#"{"name":"a","cron":"0 24 * * *","kind":"gantry.noop"}"#)
            #expect(cron.status == 400 && cron.errorField == "cron")
            #expect(cron.error["message"] as? String == "hour: 24 is outside 0-23")
            let zone = try await post(#"{"name":"a","cron":"@daily","time_zone":"Mars/Base","kind":"gantry.noop"}"#)
            #expect(zone.status == 400 && zone.errorField == "time_zone")
            let kind = try await post(#"{"name":"a","cron":"@daily","kind":"no.such"}"#)
            #expect(kind.status == 400 && kind.errorField == "kind")
            let payload = try await post(#"{"name":"a","cron":"@daily","kind":"gantry.sleep","payload":{"ms":"x"}}"#)
            #expect(payload.status == 400 && payload.errorField?.hasPrefix("payload") == true)
            let name = try await post(#"{"name":"Bad Name","cron":"@daily","kind":"gantry.noop"}"#)
            #expect(name.status == 400 && name.errorField == "name")
            #expect(try await api.call(.get, "/v1/schedules", token: h.read).object["schedules"] as? [Any] != nil)
        }
    }

    @Test
    func changesNeedTheAdminScopeAndListingNeedsRead() async throws {
        try await APIHarness.serve("api schedules scopes") { h, api in
            let bySubmit = try await api.call(.post, "/v1/schedules", token: h.submit, json: Self.nightly)
            let byReader = try await api.call(.post, "/v1/schedules", token: h.read, json: Self.nightly)
            let listByAdmin = try await api.call(.get, "/v1/schedules", token: h.admin)
            let listByNobody = try await api.call(.get, "/v1/schedules")
            let removeByReader = try await api.call(.delete, "/v1/schedules/x", token: h.read)
            #expect(bySubmit.status == 403 && byReader.status == 403)
            #expect(listByAdmin.status == 403, "admin does not imply read")
            #expect(listByNobody.status == 401)
            #expect(removeByReader.status == 403)
        }
    }

    @Test
    func theScheduleEnumsSpellEveryCaseAsTheStoreDoes() {
        #expect(Set(ScheduleDefinition.MissedFirings.allCases.map(\.rawValue)) == Set(Components.Schemas.ScheduleMissed.allCases.map(\.rawValue)))
        #expect(Set(ScheduleRecord.Source.allCases.map(\.rawValue)) == Set(Components.Schemas.ScheduleSource.allCases.map(\.rawValue)))
        for missed in ScheduleDefinition.MissedFirings.allCases {
            #expect(ScheduleDefinition.MissedFirings(wire: Components.Schemas.ScheduleMissed(wire: missed)) == missed)
        }
        for source in ScheduleRecord.Source.allCases {
            #expect(ScheduleRecord.Source(wire: Components.Schemas.ScheduleSource(wire: source)) == source)
        }
    }
}
