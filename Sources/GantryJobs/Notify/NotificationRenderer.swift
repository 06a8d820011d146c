import FoundationEssentials
import Glibc
import GantryCore
import GantryDelivery
import GantryPostgresStore

/// Turns an event into what one recipient receives: the webhook's JSON body, or the e-mail.
struct NotificationRenderer: Sendable {
    var event: NotifyRequest.Event
    var projectID: UUID
    var projectName: String
    /// Unix seconds: the event's time, or now.
    var timestamp: Int64

    /// Standard Webhooks' payload shape: `type`, `timestamp` (ISO 8601) and `data`.
    func webhookBody() -> String {
        let data: JSONValue = .object([
            "event_id": .string(event.id),
            "project_id": .string(projectID.uuidString.lowercased()),
            "project_name": .string(projectName),
            "subject": .string(event.subject),
            "details": .object(event.data),
        ])
        let body: JSONValue = .object([
            "type": .string(event.type), "timestamp": .string(HTTPDate.iso8601(timestamp)), "data": data,
        ])
        return body.jsonString
    }

    /// The e-mail's subject line.
    var emailSubject: String { "[\(projectName)] \(event.subject)" }

    func email(from: String, to: String, deliveryID: UUID) -> EmailMessage {
        var lines = [
            event.subject, "", "Project: \(projectName) (\(projectID.uuidString.lowercased()))",
            "Event: \(Self.label(event.type)) (\(event.id))", "When: \(HTTPDate.rfc5322(timestamp))",
        ]
        if !event.data.isEmpty {
            lines += ["", "Details:"]
            for key in event.data.keys.sorted() {
                guard let value = event.data[key] else { continue }
                let text: String
                if case .string(let s) = value { text = s } else { text = value.jsonString }
                lines.append("  \(key): \(text)")
            }
        }
        lines += ["", "-- ", "Sent by Gantry. Event id \(event.id)."]
        let domain = EmailAddress.domain(of: from) ?? "gantry.invalid"
        return EmailMessage(
            from: from, to: to, subject: emailSubject, body: lines.joined(separator: "\n"),
            messageID: "\(deliveryID.uuidString.lowercased())@\(domain)", date: timestamp,
            extraHeaders: [("X-Gantry-Event", "\(event.type) \(Self.headerSafe(event.id))")])
    }

    static func label(_ type: String) -> String {
        switch type {
        case "phase_changed": "phase changed"
        case "forecast_at_risk": "forecast at risk"
        case "report_ready": "report ready"
        default: type
        }
    }

    /// Event ids are the producer's: keep them printable ASCII in a header.
    static func headerSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value >= 0x21 && $0.value < 0x7F ? $0 : "_" }))
    }
}
