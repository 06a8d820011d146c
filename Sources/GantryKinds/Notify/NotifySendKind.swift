import GantryCore

/// `notify.send` as producers see it: the name, the payload schema checked before a job enters a
/// queue, and its defaults.
///
/// Payload:
/// ```json
/// {"project_id": "…",
///  "event": {"id": "phase-42-done", "type": "phase_changed", "subject": "System design is done",
///            "data": {"phase": "system_design"}, "occurred_at": 1764096000},
///  "recipients": [{"endpoint_id": "…"}, {"email": "pm@client.example"}]}
/// ```
/// Without `recipients`, every enabled endpoint of the project is notified. Each recipient gets the
/// event at most once, keyed by (`event.id`, recipient), whichever job carries it.
public enum NotifySendKind {
    public static let name = "notify.send"

    public static let descriptor = JobKindDescriptor(
        name: name, schema: schema, defaultQueue: .default,
        // Each run retries a failing receiver a few times itself; the queue's attempts space the rest
        // out over hours (exponential backoff), as Standard Webhooks senders do.
        defaultMaxAttempts: 12,
        // Enough for a run that meets slow receivers; each request has its own timeout.
        defaultTimeoutMs: 5 * 60 * 1000, groupsByProject: true)

    /// The event types stakeholders subscribe to.
    public static let eventTypes = ["phase_changed", "forecast_at_risk", "report_ready"]
    /// At most this many explicit recipients per job.
    public static let maximumRecipients = 100

    public static let schema = PayloadSchema.object([
        .init("project_id", .string(minLength: 36, maxLength: 36)),
        .init(
            "event",
            .object([
                // The producer's id: the idempotency key of the notification.
                .init("id", .string(minLength: 1, maxLength: 200)),
                .init("type", .string(oneOf: eventTypes)),
                .init("subject", .string(minLength: 1, maxLength: 300)),
                .init("data", .object([], additional: true), required: false),
                // Unix seconds; defaults to the time of the first delivery.
                .init("occurred_at", .integer(0...253_402_300_799), required: false),
            ])),
        .init(
            "recipients",
            .array(
                of: .object([
                    .init("endpoint_id", .string(minLength: 36, maxLength: 36), required: false),
                    .init("email", .string(minLength: 3, maxLength: 254), required: false),
                ]), minCount: 1, maxCount: maximumRecipients),
            required: false),
    ])
}
