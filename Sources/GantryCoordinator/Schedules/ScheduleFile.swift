import Foundation
import GantryCore
import Yams

/// The schedules declared in a configuration file (`gantry coordinator --schedules FILE`), JSON or
/// YAML (JSON is read as YAML):
///
/// ```yaml
/// schedules:
///   - name: nightly-import-check
///     cron: "30 1 * * *"
///     time_zone: Asia/Shanghai
///     kind: report.build
///     payload: {scope: portfolio}
///     missed: catch_up        # or skip (the default)
///     queue: reports          # optional; the kind's queue otherwise
/// ```
///
/// A top-level list works too. Every entry is checked (`ScheduleDefinition.validate`) before any is
/// stored, so a file with one mistake changes nothing, and the error names the entry and field.
public enum ScheduleFile {
    public static func load(path: String, registry: JobKindRegistry) throws -> [ScheduleDefinition] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScheduleFileError(path: path, entry: nil, message: "cannot read it: \(error.localizedDescription)")
        }
        return try parse(text, path: path, registry: registry)
    }

    public static func parse(_ text: String, path: String, registry: JobKindRegistry) throws -> [ScheduleDefinition] {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw ScheduleFileError(path: path, entry: nil, message: "not JSON or YAML: \(error)")
        }
        let entries: [Any]
        if let list = document as? [Any] {
            entries = list
        } else if let map = document as? [String: Any], let list = map["schedules"] as? [Any] {
            entries = list
        } else if document == nil {
            entries = []
        } else {
            throw ScheduleFileError(path: path, entry: nil, message: "expected a list of schedules, or an object with a 'schedules' list")
        }
        var definitions: [ScheduleDefinition] = []
        for (index, entry) in entries.enumerated() {
            let definition = try parseEntry(entry, index: index, path: path, registry: registry)
            guard !definitions.contains(where: { $0.name == definition.name }) else {
                throw ScheduleFileError(path: path, entry: index, message: "name: '\(definition.name)' is declared twice")
            }
            definitions.append(definition)
        }
        return definitions
    }

    static let knownFields: Set<String> = ["name", "cron", "time_zone", "kind", "queue", "payload", "missed"]

    static func parseEntry(_ entry: Any, index: Int, path: String, registry: JobKindRegistry) throws -> ScheduleDefinition {
        guard let map = entry as? [String: Any] else {
            throw ScheduleFileError(path: path, entry: index, message: "a schedule is an object")
        }
        if let unknown = map.keys.sorted().first(where: { !knownFields.contains($0) }) {
            throw ScheduleFileError(
                path: path, entry: index,
                message: "unknown field '\(unknown)' (known: \(knownFields.sorted().joined(separator: ", ")))")
        }
        var texts: [String: String] = [:]
        for key in ["name", "cron", "time_zone", "kind", "queue", "missed"] {
            guard let value = map[key] else { continue }
            guard let text = value as? String else {
                throw ScheduleFileError(path: path, entry: index, message: "\(key): expected text")
            }
            texts[key] = text
        }
        for key in ["name", "cron", "kind"] where texts[key] == nil {
            throw ScheduleFileError(path: path, entry: index, message: "\(key): required")
        }
        let missedText = texts["missed"] ?? ScheduleDefinition.MissedFirings.skip.rawValue
        guard let missed = ScheduleDefinition.MissedFirings(rawValue: missedText) else {
            throw ScheduleFileError(path: path, entry: index, message: "missed: '\(missedText)' is neither catch_up nor skip")
        }
        var payload = JSONValue.object([:])
        if let value = map["payload"] {
            let converted = Result { () throws(ScheduleDefinitionError) -> JSONValue in try json(value) }
            switch converted {
            case .success(let json): payload = json
            case .failure(let error): throw ScheduleFileError(path: path, entry: index, message: "payload: \(error.message)")
            }
        }
        let definition = ScheduleDefinition(
            name: texts["name"] ?? "", cron: texts["cron"] ?? "", timeZone: texts["time_zone"] ?? "UTC", kind: texts["kind"] ?? "",
            queue: texts["queue"], payload: payload, missed: missed)
        let checked = Result { () throws(ScheduleDefinitionError) in try definition.validate(registry: registry) }
        if case .failure(let error) = checked {
            throw ScheduleFileError(path: path, entry: index, message: "\(error.field): \(error.message)")
        }
        return definition
    }

    /// A YAML value as JSON.
    static func json(_ value: Any) throws(ScheduleDefinitionError) -> JSONValue {
        switch value {
        case let b as Bool: return .bool(b)
        case let i as Int: return .integer(Int64(i))
        case let d as Double: return .number(d)
        case let s as String: return .string(s)
        case let list as [Any]:
            var out: [JSONValue] = []
            for v in list { out.append(try json(v)) }
            return .array(out)
        case let map as [String: Any]:
            var out: [String: JSONValue] = [:]
            for (k, v) in map { out[k] = try json(v) }
            return .object(out)
        case is NSNull: return .null
        default: throw ScheduleDefinitionError("payload", "a value of type \(type(of: value)) is not JSON")
        }
    }
}
