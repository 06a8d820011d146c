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
            func bad(_ message: String) -> ScheduleFileError { ScheduleFileError(path: path, entry: index, message: message) }
            guard let map = entry as? [String: Any] else { throw bad("a schedule is an object") }
            let known: Set<String> = ["name", "cron", "time_zone", "kind", "queue", "payload", "missed"]
            if let unknown = map.keys.sorted().first(where: { !known.contains($0) }) {
                throw bad("unknown field '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
            }
            func text(_ key: String) throws -> String? {
                guard let value = map[key] else { return nil }
                guard let s = value as? String else { throw bad("\(key): expected text") }
                return s
            }
            guard let name = try text("name") else { throw bad("name: required") }
            guard let cron = try text("cron") else { throw bad("cron: required") }
            guard let kind = try text("kind") else { throw bad("kind: required") }
            let missedText = try text("missed") ?? ScheduleDefinition.MissedFirings.skip.rawValue
            guard let missed = ScheduleDefinition.MissedFirings(rawValue: missedText) else {
                throw bad("missed: '\(missedText)' is neither catch_up nor skip")
            }
            let payload = try map["payload"].map { value in
                do { return try json(value) } catch { throw bad("payload: \(error.message)") }
            } ?? .object([:])
            let definition = ScheduleDefinition(
                name: name, cron: cron, timeZone: try text("time_zone") ?? "UTC", kind: kind, queue: try text("queue"),
                payload: payload, missed: missed)
            do {
                _ = try definition.validate(registry: registry)
            } catch {
                throw bad("\(error.field): \(error.message)")
            }
            guard !definitions.contains(where: { $0.name == name }) else { throw bad("name: '\(name)' is declared twice") }
            definitions.append(definition)
        }
        return definitions
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
