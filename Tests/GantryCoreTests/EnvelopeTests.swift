import Foundation
import GantryCore
import Testing

@Suite("Job envelope")
struct EnvelopeTests {
    @Test
    func idsAreVersion7AndSortByCreationTime() {
        let early = JobID(timestampMilliseconds: 1_700_000_000_000)
        let late = JobID(timestampMilliseconds: 1_700_000_000_001)
        #expect(early < late)
        #expect(early.timestampMilliseconds == 1_700_000_000_000)
        #expect(early.description.count == 36)
        #expect(Array(early.description)[14] == "7")
        #expect(JobID(early.description) == early)
        #expect(JobID("not-a-uuid") == nil)
    }

    @Test
    func encodingRoundTripsEveryFieldIncludingAwkwardText() throws {
        let original = JobEnvelope(
            kind: "notify.send", queue: "critical", payload: ["text": "tab\there \"quoted\" \\ back\nline \u{1} é 🚀", "n": 3, "x": 1.5, "ok": true, "none": .null, "list": [1, "two"]],
            projectID: "p-1", attempt: 0, maxAttempts: 7, priority: 9, runAtMs: 1_800_000_000_000, timeoutMs: 1234,
            uniqueKey: "k:1", uniqueForMs: 60_000, enqueuedAtMs: 1_700_000_000_000,
            traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", parentID: JobID())
        let bytes = try original.encoded()
        let decoded = try JobEnvelope.decode(bytes)
        #expect(decoded == original)
        #expect(try JSONSerialization.jsonObject(with: Data(bytes)) is [String: Any])
    }

    @Test
    func encodedEnvelopeOverTheLimitIsRefusedWithItsSize() {
        let envelope = JobEnvelope(kind: "k", payload: ["s": .string(String(repeating: "a", count: 2_000))])
        let error = #expect(throws: GantryError.self) { _ = try envelope.encoded(maxBytes: 1_000) }
        #expect(error?.code == .payloadTooLarge)
        #expect(error?.message.contains("over the limit of 1000 bytes") == true)
    }

    @Test
    func garbageAndFutureVersionsAreRefusedWithDistinctCodes() throws {
        let garbage = #expect(throws: GantryError.self) { _ = try JobEnvelope.decode(Array("{nope".utf8)) }
        #expect(garbage?.code == .corruptJob)
        var future = JobEnvelope(kind: "k")
        future.v = 99
        let bytes = try future.encoded()
        let error = #expect(throws: GantryError.self) { _ = try JobEnvelope.decode(bytes) }
        #expect(error?.code == .unsupportedVersion)
    }

    @Test
    func invalidOptionsNameTheirField() {
        func check(_ field: String, _ mutate: (inout JobEnvelope) -> Void) {
            var envelope = JobEnvelope(kind: "k")
            mutate(&envelope)
            let error = #expect(throws: GantryError.self) { try envelope.validateOptions() }
            #expect(error?.code == .invalidOption && error?.field == field)
        }
        check("priority") { $0.priority = 10 }
        check("maxAttempts") { $0.maxAttempts = 0 }
        check("timeout") { $0.timeoutMs = 0 }
        check("uniqueFor") { $0.uniqueKey = "k"; $0.uniqueForMs = nil }
        check("traceparent") { $0.traceparent = "00-xyz-01" }
    }

    @Test
    func queueNamesThatWouldBreakTheHashTagAreRefused() {
        #expect((try? QueueName("reports-2026.q1_x")) != nil)
        for bad in ["", "a{b}", "a:b", "with space", String(repeating: "q", count: 65)] {
            #expect(throws: GantryError.self) { _ = try QueueName(bad) }
        }
    }
}
