import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// The fence in PostgreSQL: once a newer leader has written, an older one's transactions are refused.
@Suite("Coordinator fence", .migratedDatabase)
struct CoordinatorFenceTests {
    @Test
    func anOlderTokenIsRefusedOnceANewerOneHasWritten() async throws {
        let store = GantryStore(pool: try await migratedDatabase())
        try await store.coordinatorFence.claim(5, holder: "a")
        try await store.coordinatorFence.claim(7, holder: "b")
        // The same token again is fine (each of a term's transactions claims it).
        try await store.coordinatorFence.claim(7, holder: "b")
        let error = await #expect(throws: CoordinatorFenceError.self) {
            try await store.coordinatorFence.claim(6, holder: "a")
        }
        #expect(error?.code == .superseded)
        #expect(error?.current == 7 && error?.holder == "b" && error?.token == 6)
        #expect(try await store.coordinatorFence.current().token == 7)
    }

    @Test
    func aRefusedClaimRollsBackEverythingItsTransactionDid() async throws {
        let store = GantryStore(pool: try await migratedDatabase())
        try await store.coordinatorFence.claim(9, holder: "new")
        await #expect(throws: CoordinatorFenceError.self) {
            try await store.transaction { tx in
                try await tx.schedules.remove("nothing")
                try await tx.coordinatorFence.claim(8, holder: "old")
                Issue.record("the claim of an older token went through")
            }
        }
        let current = try await store.coordinatorFence.current()
        #expect(current.token == 9 && current.holder == "new")
    }
}
