/// How a notification travels: the `channel` check of `notification_endpoints` and
/// `notification_deliveries`.
public enum NotificationChannel: String, Sendable, Hashable, CaseIterable, Codable {
    /// An HTTP POST signed the Standard Webhooks way.
    case webhook
    /// An e-mail through the configured SMTP relay.
    case email
}
