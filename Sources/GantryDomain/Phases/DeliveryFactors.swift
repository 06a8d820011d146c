/// The four factors the seed says scale a project's durations, one level each.
///
/// Every level defaults to `medium`, the reference level whose multiplier is 1, so an estimate
/// without factors is the seed's ranges unchanged.
public struct DeliveryFactors: Sendable, Hashable, Codable {
    public var clientSize: ClientSize
    public var complexity: RequirementComplexity
    public var teamCapability: TeamCapability
    public var managementEfficiency: ManagementEfficiency

    public init(
        clientSize: ClientSize = .medium, complexity: RequirementComplexity = .medium,
        teamCapability: TeamCapability = .medium, managementEfficiency: ManagementEfficiency = .medium
    ) {
        self.clientSize = clientSize
        self.complexity = complexity
        self.teamCapability = teamCapability
        self.managementEfficiency = managementEfficiency
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case clientSize = "client_size"
        case complexity
        case teamCapability = "team_capability"
        case managementEfficiency = "management_efficiency"
    }

    /// Absent factors are `medium`; unknown keys are rejected so a misspelt factor is not silently ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.init(
            clientSize: try c.decode(.clientSize, or: .reference), complexity: try c.decode(.complexity, or: .reference),
            teamCapability: try c.decode(.teamCapability, or: .reference),
            managementEfficiency: try c.decode(.managementEfficiency, or: .reference))
    }
}
