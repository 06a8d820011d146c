import FoundationEssentials
import GantryDomain
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// The phase state machine over the stored project: what it writes, that a refusal writes nothing,
/// that every change has its event, and that concurrent callers are serialised.
@Suite("Progress repository", .migratedDatabase)
struct ProgressRepositoryTests {
    let day = CalendarDay("2026-03-02")!

    func project(_ store: GantryStore) async throws -> UUID {
        let client = try await store.clients.createClient(name: "Acme", size: .small)
        return try await store.projects.createProject(clientID: client.id, name: "Acme CRM", startDate: day).id
    }

    func key(_ text: String) -> StepKey { try! StepKey(parsing: text) }

    @Test func aCompletedGateIsStoredWithItsDatesApproverAndEvents() async throws {
        let store = GantryStore(pool: try await migratedDatabase())
        let id = try await project(store)
        _ = try await store.progress.apply(.start(key("requirements.research")), to: id, on: day, actor: "alice")
        _ = try await store.progress.apply(.complete(key("requirements.research")), to: id, on: day.adding(days: 4), actor: "alice")
        _ = try await store.progress.apply(.complete(key("requirements.consolidation")), to: id, on: day.adding(days: 9), actor: "alice")
        let outcome = try await store.progress.apply(
            .complete(key("requirements.review"), approvedBy: "Li Wei"), to: id, on: day.adding(days: 14), actor: "bob")
        #expect(outcome.events.map(\.event.kind) == [.stepStarted, .stepCompleted, .gateApproved, .phaseCompleted])
        #expect(outcome.events.allSatisfy { $0.actor == "bob" && $0.projectID == id })

        let stored = try #require(try await store.projects.project(id))
        #expect(stored.status == .active)
        let phase = try #require(stored.phase(.requirementsAnalysis))
        #expect(phase.state == .done && phase.actualStart == day && phase.actualEnd == day.adding(days: 14))
        #expect(phase.steps.map(\.actualStart) == [day, day.adding(days: 9), day.adding(days: 14)])
        #expect(try await store.progress.progress(of: id)?.phases[0].steps[2].approvedBy == "Li Wei")

        let history = try await store.projectEvents.events(of: id)
        #expect(history.first?.event.kind == .projectStarted)
        #expect(history.map(\.seq) == history.map(\.seq).sorted())
        #expect(history.count == 11)
    }

    @Test func aRefusedCommandWritesNothing() async throws {
        let pool = try await migratedDatabase()
        let store = GantryStore(pool: pool)
        let id = try await project(store)
        await #expect(throws: ProgressError.self) {
            try await store.progress.apply(.complete(key("design.architecture")), to: id, on: day, actor: "x")
        }
        let events = try await pool.query("SELECT count(*) FROM project_events")
        #expect(try events.first?.decode(0, as: Int.self) == 0)
        #expect(try await store.projects.project(id)?.status == .planned)
    }

    @Test func anUnknownProjectIsNotFound() async throws {
        let store = GantryStore(pool: try await migratedDatabase())
        await #expect(throws: CRMStoreError.self) {
            try await store.progress.apply(.start(key("requirements.research")), to: UUID(), on: day, actor: nil)
        }
        #expect(try await store.progress.progress(of: UUID()) == nil)
    }

    @Test func concurrentCompletionsOfOneStepSucceedOnce() async throws {
        let store = GantryStore(pool: try await migratedDatabase())
        let id = try await project(store)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (try? await store.progress.apply(.complete(self.key("requirements.research")), to: id, on: self.day, actor: nil)) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count { $0 } == 1)
        let completed = try await store.projectEvents.events(of: id).filter { $0.event.kind == .stepCompleted }
        #expect(completed.count == 1)
    }
}
