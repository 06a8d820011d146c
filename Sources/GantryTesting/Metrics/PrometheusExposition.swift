/// A `/metrics` answer as the tests read it: whether every line keeps to the Prometheus text
/// format (0.0.4), and the samples' values by name and labels.
public struct PrometheusExposition: Sendable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public let text: String

    public init(_ text: String) { self.text = text }

    // The exposition grammar, line by line: a metric name, optional labels with escaped values, a
    // value (Inf and NaN included), an optional timestamp.
    static let name = #"[a-zA-Z_:][a-zA-Z0-9_:]*"#
    static let label = #"[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*""#
    static let value = #"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN)"#
    static let sampleLine = "(\(name))(?:\\{(?:\(label)(?:,\(label))*,?)?\\})? \(value)(?: -?[0-9]+)?"
    static let typeLine = "# TYPE (\(name)) (counter|gauge|histogram|summary|untyped)"
    static let helpLine = "# HELP \(name)(?: .*)?"

    /// The lines that break the format, each with the reason: a sample line that does not match
    /// the grammar, a second `# TYPE` for one name, a sample of a family with no `# TYPE` before it,
    /// a counter not named `…_total` or a gauge that is.
    public func problems() -> [String] {
        let sample = try! Regex(Self.sampleLine)
        let type = try! Regex(Self.typeLine)
        let help = try! Regex(Self.helpLine)
        var problems: [String] = []
        var types: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.isEmpty { continue }
            if line.hasPrefix("# TYPE") {
                guard let m = line.wholeMatch(of: type), let n = m.output[1].substring, let t = m.output[2].substring else {
                    problems.append("bad TYPE line: \(line)")
                    continue
                }
                let family = String(n)
                if types[family] != nil { problems.append("second TYPE for \(family)") }
                types[family] = String(t)
                if t == "counter", !family.hasSuffix("_total") { problems.append("counter without _total: \(family)") }
                if t != "counter", family.hasSuffix("_total") { problems.append("\(t) named _total: \(family)") }
            } else if line.hasPrefix("# HELP") {
                if line.wholeMatch(of: help) == nil { problems.append("bad HELP line: \(line)") }
            } else if line.hasPrefix("#") {
                continue
            } else if let m = line.wholeMatch(of: sample), let n = m.output[1].substring {
                let name = String(n)
                if types[name] == nil, types[Self.family(of: name)] != "histogram" {
                    problems.append("sample before its TYPE: \(line)")
                }
            } else {
                problems.append("not a sample line: \(line)")
            }
        }
        return problems
    }

    /// A histogram's family name from one of its series (`x_bucket`, `x_sum`, `x_count` → `x`).
    static func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) { return String(name.dropLast(suffix.count)) }
        return name
    }

    /// Every sample (comments skipped; a line that does not parse is left out, `problems()` names it).
    public var samples: [Sample] {
        text.split(separator: "\n").compactMap { line -> Sample? in
            guard !line.hasPrefix("#") else { return nil }
            return Self.parse(String(line))
        }
    }

    /// The sum of the samples called `name` whose labels include `matching`.
    public func sum(_ name: String, _ matching: [String: String] = [:]) -> Double {
        samples.filter { s in s.name == name && matching.allSatisfy { s.labels[$0.key] == $0.value } }.reduce(0) { $0 + $1.value }
    }

    /// Whether a sample called `name` with these labels exists.
    public func has(_ name: String, _ matching: [String: String] = [:]) -> Bool {
        samples.contains { s in s.name == name && matching.allSatisfy { s.labels[$0.key] == $0.value } }
    }

    static func parse(_ line: String) -> Sample? {
        var rest = Substring(line)
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while let c = rest.first, c != "}" {
                if c == "," {
                    rest = rest.dropFirst()
                    continue
                }
                guard let eq = rest.firstIndex(of: "=") else { return nil }
                let key = String(rest[..<eq])
                rest = rest[rest.index(after: eq)...]
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                var value = ""
                while let ch = rest.first, ch != "\"" {
                    rest = rest.dropFirst()
                    if ch == "\\", let next = rest.first {
                        rest = rest.dropFirst()
                        value.append(next == "n" ? "\n" : next)
                    } else {
                        value.append(ch)
                    }
                }
                rest = rest.dropFirst()
                labels[key] = value
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard let first = fields.first else { return nil }
        let value: Double? = switch first {
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(first)
        }
        return value.map { Sample(name: name, labels: labels, value: $0) }
    }
}
