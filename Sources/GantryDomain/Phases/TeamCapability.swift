/// How capable the delivery team is (experience with the CRM platform and the domain).
public enum TeamCapability: String, DeliveryFactorLevel {
    case low, medium, high
    case veryHigh = "very_high"
}
