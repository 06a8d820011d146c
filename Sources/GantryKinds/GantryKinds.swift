import GantryCore

/// Every job kind's descriptor, in one light module (GantryCore and GantryDomain only): what the
/// API and the CLI validate payloads against, without linking any handler.
public enum GantryKinds {
    /// Every kind a producer may enqueue. The worker's handlers are built from the same list, so a
    /// kind cannot be enqueueable without a handler, or the reverse.
    public static var registry: JobKindRegistry { .builtIn }
}
