/// The client's size: bigger clients bring more stakeholders, more legacy data and slower sign-off.
public enum ClientSize: String, DeliveryFactorLevel {
    case small, medium, large, enterprise
}
