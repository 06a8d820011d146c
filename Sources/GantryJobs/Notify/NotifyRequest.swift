import FoundationEssentials
import Glibc
import GantryCore
import GantryDelivery

/// A checked `notify.send` payload. Every refusal is a `JobError.permanent` naming the field:
/// retrying cannot fix a payload.
///
/// Every string of it reaches PostgreSQL (the delivery row, the stored message, the job's result),
/// whose `text` and `jsonb` refuse U+0000: so NUL and the other C0 controls (and DEL) are refused
/// here first, in every string and object key, with tab, LF and CR allowed only where text may
/// span lines (the subject, which is then folded to one line, and the values of `data`). The
/// refusal names the field and never echoes the value.
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
        try Self.refuseControlCharacters(in: payload)
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

    /// The check described above, on the raw payload: before the schema, whose messages may quote
    /// a value.
    static func refuseControlCharacters(in payload: [String: JSONValue]) throws(JobError) {
        for key in payload.keys.sorted() {
            guard let value = payload[key] else { continue }
            switch key {
            case "event":
                guard case .object(let event) = value else {
                    try refuse(value, field: key, lineBreaks: false)
                    continue
                }
                for eventKey in event.keys.sorted() {
                    guard let field = event[eventKey] else { continue }
                    let lineBreaks = eventKey == "subject" || eventKey == "data"
                    try refuse(field, field: "event.\(Self.fieldName(eventKey))", lineBreaks: lineBreaks)
                }
            default:
                try refuse(value, field: fieldName(key), lineBreaks: false)
            }
        }
    }

    static func refuse(_ value: JSONValue, field: String, lineBreaks: Bool) throws(JobError) {
        switch value {
        case .string(let text):
            if text.unicodeScalars.contains(where: { isControl($0, lineBreaks: lineBreaks) }) {
                throw invalid(field: field, "contains a control character (U+0000–U+001F or U+007F)")
            }
        case .array(let items):
            for (i, item) in items.enumerated() { try refuse(item, field: "\(field)[\(i)]", lineBreaks: lineBreaks) }
        case .object(let fields):
            for key in fields.keys.sorted() {
                if key.unicodeScalars.contains(where: { isControl($0, lineBreaks: false) }) {
                    throw invalid(field: field, "has a key that contains a control character")
                }
                if let item = fields[key] { try refuse(item, field: "\(field).\(fieldName(key))", lineBreaks: lineBreaks) }
            }
        case .null, .bool, .integer, .number:
            break
        }
    }

    static func isControl(_ scalar: Unicode.Scalar, lineBreaks: Bool) -> Bool {
        if lineBreaks, scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        return scalar.value < 0x20 || scalar.value == 0x7F
    }

    /// A key as it appears in a field path: as is when it is a plain name, else a marker (the key
    /// itself may be what is wrong, and is not echoed).
    static func fieldName(_ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.count <= 64
            && key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
        return plain ? key : "<key>"
    }

    static func invalid(field: String, _ why: String) -> JobError {
        JobError.permanent("invalid notify.send payload: \(field): \(why)")
    }

    /// Subjects become e-mail headers: a line break in one would start a header of its own.
    static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
