// The kinds' descriptors moved to GantryKinds (the light module producers use), and notify.send's
// protocol clients to GantryDelivery; code that runs and configures the handlers (the worker: SMTP
// relay, address guard, HTTP clients) keeps seeing them through GantryJobs.
@_exported import GantryDelivery
@_exported import GantryKinds
import GantryCore
import GantryPostgresStore

/// The handlers of every kind in `GantryKinds.all`, for a worker with PostgreSQL: built from the
/// same list producers validate against, and checked against it, so no kind can be enqueued that
/// no worker runs, and no worker runs a kind no producer may enqueue.
public enum ProductionHandlers {
    public static func registry(
        store: GantryStore, httpClient: LazyHTTPClient, notify: NotifyConfiguration
    ) throws(GantryError) -> HandlerRegistry {
        var handlers = HandlerRegistry.builtIn
        handlers.register(DrillRowHandler(ledger: store.ledger))
        EstimateSimulateHandler.register(into: &handlers, store: store)
        ReportBuildHandler.register(into: &handlers, store: store)
        MigrationBatchHandler.register(into: &handlers, store: store)
        NotifySendHandler.register(into: &handlers, store: store, httpClient: httpClient, configuration: notify)
        try check(handlers)
        return handlers
    }

    /// Refuses a handler list that differs from `GantryKinds.all`, naming the difference.
    static func check(_ handlers: HandlerRegistry) throws(GantryError) {
        let kinds = Set(GantryKinds.all.map(\.name))
        let run = Set(handlers.kinds)
        guard kinds == run else {
            throw GantryError(
                .unknownKind,
                "job kinds and handlers differ: without a handler \(kinds.subtracting(run).sorted()), "
                    + "without a kind \(run.subtracting(kinds).sorted())")
        }
    }
}
