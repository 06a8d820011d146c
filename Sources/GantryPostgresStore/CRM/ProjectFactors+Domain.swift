import GantryDomain

extension ProjectFactors {
    /// The same levels as the domain's factors (the two share their names), for the planner and the
    /// estimator; a level the domain does not know counts as its reference level, `medium`.
    public var delivery: DeliveryFactors {
        DeliveryFactors(
            clientSize: ClientSize(rawValue: clientSize.rawValue) ?? .medium,
            complexity: RequirementComplexity(rawValue: complexity.rawValue) ?? .medium,
            teamCapability: TeamCapability(rawValue: teamCapability.rawValue) ?? .medium,
            managementEfficiency: ManagementEfficiency(rawValue: managementEfficiency.rawValue) ?? .medium)
    }
}
