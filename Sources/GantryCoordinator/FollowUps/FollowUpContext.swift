import GantryCore
import GantryDomain

/// The values a chain's payload templates may use: the trigger's (`event_id`, `project_id`,
/// `phase`, `phase_title`, `day`, `days_elapsed`, `p80_days`, `slip_working_days`, `p80_finish`, and
/// for a risk event `risk_summary`, a sentence saying why), what earlier steps kept (`rag`,
/// `report_id`, … and `rag_title`), and `previous_rag`, the RAG of the project's report before.
public struct FollowUpContext: Sendable, Hashable {
    public var values: [String: String]

    public init(values: [String: String] = [:]) { self.values = values }

    /// The trigger's values.
    public init(eventID: String, projectID: String, event: ProgressEvent) {
        var values = ["event_id": eventID, "project_id": projectID, "day": "\(event.day)"]
        if let phase = event.phase {
            values["phase"] = phase.rawValue
            values["phase_title"] = phase.title
        }
        if let step = event.step { values["step"] = step }
        if let days = event.daysElapsed { values["days_elapsed"] = "\(days)" }
        if let days = event.p80Days { values["p80_days"] = "\(days)" }
        if let days = event.slipWorkingDays { values["slip_working_days"] = "\(days)" }
        if let finish = event.p80Finish { values["p80_finish"] = "\(finish)" }
        if event.kind == .projectAtRisk {
            if let phase = event.phase {
                values["risk_summary"] = "\(phase.title) has run past its P80 forecast"
            } else if let days = event.slipWorkingDays, let finish = event.p80Finish {
                values["risk_summary"] = "the P80 finish slipped \(days) working days, to \(finish)"
            }
        }
        self.values = values
    }

    /// Adds what a step kept from its result (strings and numbers as text).
    public mutating func merge(kept detail: JSONValue) {
        guard case .object(let fields) = detail else { return }
        for (key, value) in fields {
            switch value {
            case .string(let text): values[key] = text
            case .integer(let n): values[key] = "\(n)"
            case .number(let x): values[key] = "\(x)"
            case .bool(let b): values[key] = "\(b)"
            default: continue
            }
            if key == "rag", let rag = RAGStatus(rawValue: values[key] ?? "") { values["rag_title"] = rag.title }
        }
    }

    /// `template` with every `${name}` in its strings replaced; an unknown name becomes "".
    public func fill(_ template: JSONValue) -> JSONValue {
        switch template {
        case .string(let text): .string(fill(text))
        case .array(let items): .array(items.map(fill))
        case .object(let fields): .object(fields.mapValues(fill))
        default: template
        }
    }

    func fill(_ text: String) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.indices.first(where: { rest[$0] == "$" && rest.index(after: $0) < rest.endIndex && rest[rest.index(after: $0)] == "{" }) {
            result += rest[..<dollar]
            let nameStart = rest.index(dollar, offsetBy: 2)
            guard let close = rest[nameStart...].firstIndex(of: "}") else {
                result += rest[dollar...]
                return result
            }
            result += values[String(rest[nameStart..<close])] ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
