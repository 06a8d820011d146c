import GantryCore
@testable import GantryJobs
import GantryPostgresStore
import GantryPostgres
import GantryTesting
import Testing

/// One list of kinds: what producers may enqueue is exactly what workers run.
@Suite("Kinds and handlers", .migratedDatabase)
struct ProductionHandlersTests {
    @Test
    func everyEnqueueableKindHasAHandlerAndEveryHandlerAKind() async throws {
        let pool = try await migratedDatabase()
        let handlers = try ProductionHandlers.registry(store: GantryStore(pool: pool), httpClient: LazyHTTPClient(), notify: NotifyConfiguration())
        #expect(handlers.kinds == GantryKinds.registry.names)
        #expect(Set(GantryKinds.registry.names).isSuperset(of: [
            "estimate.simulate", "report.build", "migration.batch", "notify.send", "gantry.noop", "gantry.sleep", "gantry.drill",
        ]))
    }

    @Test
    func aHandlerWithoutAKindIsRefusedNamingIt() {
        var handlers = HandlerRegistry.builtIn
        handlers.register(StrayHandler())
        #expect {
            try ProductionHandlers.check(handlers)
        } throws: { error in
            let e = error as? GantryError
            return e?.message.contains("without a kind [\"test.stray\"]") == true
                && e?.message.contains("estimate.simulate") == true
        }
    }
}

private struct StrayHandler: JobHandler {
    struct Payload: Decodable, Sendable {}
    let kind = "test.stray"
    func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue? { nil }
}
