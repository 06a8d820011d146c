import GantryDomain

/// A project's settings of the four factors the seed says scale durations, stored in `projects.factors`.
///
/// The JSON keys and levels are GantryDomain's `DeliveryFactors` (`client_size`, `complexity`,
/// `team_capability`, `management_efficiency`), so the estimation job can decode the column directly.
/// An absent key means `medium`, the reference level.
public struct ProjectFactors: Sendable, Hashable, Codable {
    /// Levels of complexity, team capability and management efficiency.
    public enum Level: String, Sendable, Hashable, CaseIterable, Codable {
        case low, medium, high
        case veryHigh = "very_high"
    }

    public var clientSize: ClientRecord.Size
    public var complexity: Level
    public var teamCapability: Level
    public var managementEfficiency: Level

    public init(
        clientSize: ClientRecord.Size = .medium, complexity: Level = .medium,
        teamCapability: Level = .medium, managementEfficiency: Level = .medium
    ) {
        self.clientSize = clientSize
        self.complexity = complexity
        self.teamCapability = teamCapability
        self.managementEfficiency = managementEfficiency
    }

    enum CodingKeys: String, CodingKey {
        case clientSize = "client_size"
        case complexity
        case teamCapability = "team_capability"
        case managementEfficiency = "management_efficiency"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clientSize = try c.decodeIfPresent(ClientRecord.Size.self, forKey: .clientSize) ?? .medium
        complexity = try c.decodeIfPresent(Level.self, forKey: .complexity) ?? .medium
        teamCapability = try c.decodeIfPresent(Level.self, forKey: .teamCapability) ?? .medium
        managementEfficiency = try c.decodeIfPresent(Level.self, forKey: .managementEfficiency) ?? .medium
    }
}
