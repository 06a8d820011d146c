import GantryCore
import GantryDomain
import GantryPostgresStore

extension EstimateRequest {
    /// Puts the project's own settings into a forecast's input fields: its working calendar
    /// (`weekends_off`, `holidays`, make-up `workdays`) and the open risks of its register, so a
    /// job needs only `project_id`. What the payload gives wins: its `weekends_off`, `holidays`,
    /// `workdays` and `risks` replace the project's.
    ///
    /// Risks on phases the estimate does not model (maintenance, or a payload's own phase list) are
    /// left out: the engine refuses a risk on a phase it does not simulate, and a register entry
    /// must not make every forecast of the project fail.
    static func applyProjectSettings(of project: ProjectRecord, overrides: [String: JSONValue], to fields: inout [String: JSONValue]) {
        if let calendar = project.calendar, case .object(var given)? = fields["calendar"] {
            if overrides["weekends_off"] == nil { given["weekends_off"] = .bool(calendar.weekendsOff) }
            if overrides["holidays"] == nil { given["holidays"] = .array(calendar.holidays.map { .string("\($0)") }) }
            if overrides["workdays"] == nil && !calendar.workdays.isEmpty {
                given["workdays"] = .array(calendar.workdays.map { .string("\($0)") })
            }
            fields["calendar"] = .object(given)
        }
        guard overrides["risks"] == nil else { return }
        let modelled = Set(modelledPhases(fields["phases"]))
        let open = project.risks.filter { $0.status == .open && modelled.contains($0.phase.rawValue) }
        guard !open.isEmpty else { return }
        fields["risks"] = .array(
            open.map { risk in
                .object([
                    "name": .string(risk.name), "phase": .string(risk.phase.rawValue),
                    "probability": .number(risk.probability), "impact_weeks": .number(risk.impactWeeks),
                ])
            })
    }

    /// The phases an input's `phases` field models (the seed's four when absent).
    static func modelledPhases(_ phases: JSONValue?) -> [String] {
        guard case .array(let items)? = phases else { return DeliveryPhase.simulated.map(\.rawValue) }
        return items.compactMap { item in
            guard case .object(let phase) = item, case .string(let name)? = phase["phase"] else { return nil }
            return name
        }
    }
}
