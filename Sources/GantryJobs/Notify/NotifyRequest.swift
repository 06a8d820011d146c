import FoundationEssentials
import Glibc
import GantryCore

/// A checked `notify.send` payload. Every refusal is a `JobError.permanent` naming the field:
/// retrying cannot fix a payload.
struct NotifyRequest: Sendable {
    struct Event: Sendable {
        var id: String
        var type: String
        var subject: String
        var data: [String: JSONValue]
        /// Unix seconds.
        var occurredAt: Int64?
    }

    enum Recipient: Sendable, Hashable {
        case endpoint(UUID)
        case email(String)
    }

    var projectID: UUID
    var event: Event
    /// nil: all of the project's enabled endpoints.
    var recipients: [Recipient]?

    init(payload: [String: JSONValue]) throws(JobError) {
        do {
            try NotifySendKind.schema.validate(.object(payload))
        } catch {
            throw Self.invalid(field: error.field ?? "$", error.message)
        }
        guard case .string(let text)? = payload["project_id"], let id = UUID(uuidString: text) else {
            throw Self.invalid(field: "project_id", "is not a UUID")
        }
        projectID = id
        guard case .object(let event)? = payload["event"], case .string(let eventID)? = event["id"],
            case .string(let type)? = event["type"], case .string(let subject)? = event["subject"]
        else { throw Self.invalid(field: "event", "is incomplete") }
        guard !eventID.allSatisfy(\.isWhitespace) else {
            throw Self.invalid(field: "event.id", "is blank")
        }
        var data: [String: JSONValue] = [:]
        if case .object(let d)? = event["data"] { data = d }
        var occurredAt: Int64?
        switch event["occurred_at"] {
        case .integer(let v)?: occurredAt = v
        case .number(let v)?: occurredAt = Int64(v)
        default: occurredAt = nil
        }
        self.event = Event(
            id: eventID, type: type, subject: Self.singleLine(subject), data: data, occurredAt: occurredAt)

        guard case .array(let items)? = payload["recipients"] else {
            recipients = nil
            return
        }
        var seen = Set<Recipient>()
        var list: [Recipient] = []
        for (i, item) in items.enumerated() {
            guard case .object(let fields) = item else { throw Self.invalid(field: "recipients[\(i)]", "is not an object") }
            let recipient: Recipient
            switch (fields["endpoint_id"], fields["email"]) {
            case (.string(let text)?, nil), (.string(let text)?, .null?):
                guard let endpoint = UUID(uuidString: text) else {
                    throw Self.invalid(field: "recipients[\(i)].endpoint_id", "is not a UUID")
                }
                recipient = .endpoint(endpoint)
            case (nil, .string(let address)?), (.null?, .string(let address)?):
                guard EmailAddress.isValid(address) else {
                    throw Self.invalid(field: "recipients[\(i)].email", "is not an e-mail address")
                }
                recipient = .email(address.lowercased())
            default:
                throw Self.invalid(field: "recipients[\(i)]", "needs exactly one of endpoint_id and email")
            }
            if seen.insert(recipient).inserted { list.append(recipient) }
        }
        recipients = list
    }

    static func invalid(field: String, _ why: String) -> JobError {
        JobError.permanent("invalid notify.send payload: \(field): \(why)")
    }

    /// Subjects become e-mail headers: a line break in one would start a header of its own.
    static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}

/// The checks an address passes before it is written into an SMTP command or a header.
enum EmailAddress {
    /// Same shape as the `contacts.email` check, and nothing that could break out of `<…>` or a line.
    static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= 254, !address.contains(where: { $0.isWhitespace || "<>\",;()\\".contains($0) }),
            !address.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return false }
        return true
    }

    /// The domain part, for `Message-ID`s.
    static func domain(of address: String) -> String? {
        address.split(separator: "@").last.map(String.init)
    }
}
