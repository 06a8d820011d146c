import GantryCore

extension GroupRate {
    /// The rate as people write it and as `GroupRate(parsing:)` reads it back: the count over the
    /// largest unit that divides the period (`60/min`, `10/s`, `5/2h`, `100/1500ms`), so what the API
    /// answers can be sent again unchanged.
    var text: String {
        let units: [(ms: Int64, name: String)] = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "min"), (1_000, "s")]
        for unit in units where periodMs % unit.ms == 0 {
            let multiple = periodMs / unit.ms
            return "\(count)/\(multiple == 1 ? "" : String(multiple))\(unit.name)"
        }
        return "\(count)/\(periodMs)ms"
    }
}
