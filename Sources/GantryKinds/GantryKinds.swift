import GantryCore

/// Every job kind's descriptor, in one light module (GantryCore and GantryDomain only): what the
/// API and the CLI validate payloads against, without linking any handler.
public enum GantryKinds {
    /// Every kind a producer may enqueue, drills first. The worker's handlers are built from this
    /// same list (`GantryJobs.ProductionHandlers`), which refuses to start when a kind here has no
    /// handler or a handler has no kind here.
    public static let all: [JobKindDescriptor] = [
        BuiltInKinds.noop, BuiltInKinds.sleep, BuiltInKinds.drill,
        EstimateSimulateKind.descriptor, ReportBuildKind.descriptor, MigrationBatchKind.descriptor,
        NotifySendKind.descriptor,
    ]

    /// The registry the API, the CLI and every producer validate against.
    public static var registry: JobKindRegistry { JobKindRegistry(all) }
}
