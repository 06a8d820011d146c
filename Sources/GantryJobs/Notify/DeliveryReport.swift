import FoundationEssentials
import GantryCore

/// How one recipient fared in one run; the job's result lists them.
struct DeliveryReport: Sendable {
    enum State: String, Sendable {
        case sent, alreadySent = "already_sent", failed, disabled, pending
    }

    var recipient: String
    var state: State
    var deliveryID: UUID?
    var attempts: Int
    var responseCode: Int?
    var detail: String?
    /// For `pending`: when the next run should come, if known.
    var retryAfterMs: Int64?

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "recipient": .string(recipient), "state": .string(state.rawValue), "attempts": .integer(Int64(attempts)),
        ]
        if let deliveryID { object["delivery_id"] = .string(deliveryID.uuidString.lowercased()) }
        if let responseCode { object["response_code"] = .integer(Int64(responseCode)) }
        if let detail { object["detail"] = .string(String(detail.prefix(300))) }
        return .object(object)
    }
}
