import GantryCore

/// One suite's runs folded into one object: each numeric figure's median, every other value from the first run,
/// and `spread` (each numeric figure's min and max over the runs) and `runs` beside them. The median, because one
/// run disturbed by a neighbour on a shared machine should move the figure no more than any other run.
struct SuiteSummary: Sendable {
    let suite: String
    /// The merged object, as `gantry bench --json` prints it under the suite's key.
    let object: [String: JSONValue]
    /// The figures a person reads (those with a unit), in key order.
    let figures: [BenchFigure]

    /// The middle value of `values` (the mean of the two middle ones for an even count), 0 for none.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    init(suite: String, runs: [[String: JSONValue]]) {
        self.suite = suite
        var object = runs.first ?? [:]
        var spread: [String: JSONValue] = [:]
        var figures: [BenchFigure] = []
        for key in object.keys.sorted() {
            let values = runs.compactMap { $0[key]?.benchNumber }
            guard values.count == runs.count, !values.isEmpty else { continue }
            let sorted = values.sorted()
            let median = Self.median(sorted)
            if case .integer = object[key], median == median.rounded() {
                object[key] = .integer(Int64(median))
            } else {
                object[key] = .number(median)
            }
            spread[key] = .object(["min": .number(sorted[0]), "max": .number(sorted[sorted.count - 1])])
            if let unit = BenchFigure.Unit(key: key) {
                figures.append(BenchFigure(suite: suite, key: key, median: median, min: sorted[0], max: sorted[sorted.count - 1], unit: unit))
            }
        }
        object["spread"] = .object(spread)
        object["runs"] = .integer(Int64(runs.count))
        self.object = object
        self.figures = figures
    }
}

/// One figure of one suite with its spread and unit, as the table, the Markdown and the page show it.
struct BenchFigure: Sendable {
    let suite: String
    let key: String
    let median: Double
    let min: Double
    let max: Double
    let unit: Unit

    /// What a figure counts, read from its key's name (`rows_per_s`, `redis_us_per_job`, `idle_uss_mb`). Keys with
    /// no unit (sizes, counts, settings, the seconds a run took) stay in the JSON but not in the tables.
    enum Unit: String, Sendable {
        case jobsPerSecond = "jobs/s"
        case rowsPerSecond = "rows/s"
        case trialsPerSecond = "trials/s"
        case requestsPerSecond = "requests/s"
        case microseconds = "µs"
        case milliseconds = "ms"
        case megabytes = "MB"
        case ratio = "×"
        case perJob = "per job"

        init?(key: String) {
            if key.contains("rows_per_s") {
                self = .rowsPerSecond
            } else if key.contains("trials_per_s") {
                self = .trialsPerSecond
            } else if key.hasPrefix("healthz") && key.hasSuffix("_per_s") {
                self = .requestsPerSecond
            } else if key.contains("_per_s") {
                self = .jobsPerSecond
            } else if key.hasSuffix("_us") || key.contains("_us_") {
                self = .microseconds
            } else if key.hasSuffix("_ms") || key.contains("_ms_") {
                self = .milliseconds
            } else if key.hasSuffix("_mb") {
                self = .megabytes
            } else if key.hasSuffix("_per_job") {
                self = .perJob
            } else if key == "speedup" || key == "ratio" || key.hasSuffix("_ratio") || key.contains("_to_") {
                self = .ratio
            } else {
                return nil
            }
        }

        /// `value` as the table prints it: rates grouped by thousands, times and memory with decimals.
        func format(_ value: Double) -> String {
            switch self {
            case .jobsPerSecond, .rowsPerSecond, .trialsPerSecond, .requestsPerSecond: value.groupedThousands
            case .microseconds, .milliseconds, .ratio: Text.format("%.2f", value)
            case .megabytes: Text.format("%.1f", value)
            case .perJob: Text.format("%.4f", value)
            }
        }
    }

    var formattedMedian: String { unit.format(median) }
    /// `min–max`, or the one value when every run gave the same.
    var formattedSpread: String {
        let (low, high) = (unit.format(min), unit.format(max))
        return low == high ? low : "\(low)–\(high)"
    }
}

extension JSONValue {
    /// The value of a number, integer or not; nil for anything else (a flag, a text).
    var benchNumber: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }
}

extension Double {
    /// Rounded to a whole number, its thousands set apart by commas: `170,000`.
    var groupedThousands: String {
        guard isFinite else { return String(self) }
        let digits = String(Int64(abs(self).rounded()))
        var grouped = ""
        for (n, digit) in digits.enumerated() {
            if n > 0 && (digits.count - n) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (self < 0 ? "-" : "") + grouped
    }
}
