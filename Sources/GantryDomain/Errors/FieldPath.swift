/// Turns a `Codable` coding path into the JSON path that ``DomainError/field`` carries:
/// `phases[2].distribution`, so errors name the field the way the payload's author wrote it.
enum FieldPath {
    static func string(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out
    }

    static func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : "\(base).\(key)" }
}
