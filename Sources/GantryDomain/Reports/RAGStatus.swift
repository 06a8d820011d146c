/// The red/amber/green status of a project's schedule, from its forecast and its target date.
///
/// The rule compares the forecast's finish dates with the target, so it reads the same way people
/// read the S-curve:
/// - **green** when the P80 finish is on or before the target: at least four chances in five of
///   finishing on time;
/// - **amber** when the P50 finish is on or before the target but the P80 finish is after it: on time
///   is more likely than not, but not comfortably so;
/// - **red** when the P50 finish is after the target: late is the likelier outcome;
/// - **unknown** (shown grey) when the project has no target date or no forecast with finish dates,
///   because a colour without a target would claim a judgement nobody can check.
public enum RAGStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case green, amber, red, unknown

    /// Applies the rule above. A P80 on time with a P50 late cannot come from one distribution; it is
    /// treated as red, the cautious reading.
    public static func of(p50Finish: CalendarDay?, p80Finish: CalendarDay?, target: CalendarDay?) -> RAGStatus {
        guard let target, let p50Finish, let p80Finish else { return .unknown }
        if p50Finish > target { return .red }
        return p80Finish <= target ? .green : .amber
    }

    /// For people: "Green", "Amber", "Red", "No target".
    public var title: String {
        switch self {
        case .green: "Green"
        case .amber: "Amber"
        case .red: "Red"
        case .unknown: "No target"
        }
    }

    /// A fill colour for badges and chart markers; grey for unknown.
    public var colour: String {
        switch self {
        case .green: "#2e7d32"
        case .amber: "#f9a825"
        case .red: "#c62828"
        case .unknown: "#9e9e9e"
        }
    }
}
