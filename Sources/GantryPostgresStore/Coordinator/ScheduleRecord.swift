import FoundationEssentials
import GantryCore

/// One row of `schedules`: the definition, who declared it, and where its firings stand.
public struct ScheduleRecord: Sendable, Hashable {
    /// Who declared a schedule. A `default` one is created when absent and never overwritten, so an
    /// operator's pause or edit sticks; a `file` one is upserted from the configuration file at
    /// every start; an `api` one lives until removed.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        case `default`, file, api
    }

    public var definition: ScheduleDefinition
    public var paused: Bool
    public var source: Source
    /// The next firing the leader waits for (nil: the expression never fires again).
    public var nextFireAt: Date?
    public var lastFiredAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        definition: ScheduleDefinition, paused: Bool, source: Source, nextFireAt: Date?, lastFiredAt: Date?,
        createdAt: Date, updatedAt: Date
    ) {
        self.definition = definition
        self.paused = paused
        self.source = source
        self.nextFireAt = nextFireAt
        self.lastFiredAt = lastFiredAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var name: String { definition.name }
}
