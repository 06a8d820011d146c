/// How complex the requirements are: integrations, custom objects, workflow rules.
public enum RequirementComplexity: String, DeliveryFactorLevel {
    case low, medium, high
    case veryHigh = "very_high"
}
