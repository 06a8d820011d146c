import GantryCore
import GantryPostgresStore

/// A handler whose one dependency is the store: built from it, and registered the same way for
/// `gantry worker` and tests.
public protocol StoreHandler: JobHandler {
    init(store: GantryStore)
}

extension StoreHandler {
    /// Registers the handler, for `gantry worker` and tests.
    public static func register(into registry: inout HandlerRegistry, store: GantryStore) {
        registry.register(Self(store: store))
    }
}
