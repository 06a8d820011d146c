/// How efficiently the project is managed (decisions, scope control, client communication).
public enum ManagementEfficiency: String, DeliveryFactorLevel {
    case low, medium, high
    case veryHigh = "very_high"
}
