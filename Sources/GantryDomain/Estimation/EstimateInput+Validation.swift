import FoundationEssentials
import Glibc

extension EstimateInput {
    /// Decodes and validates a JSON payload. Every failure is a ``DomainError`` naming the field
    /// (`phases[1].max`, `trials`, `calendar.start_date`), never a bare `DecodingError`.
    public static func decode(json: Data) throws -> EstimateInput {
        let input: EstimateInput
        do {
            input = try JSONDecoder().decode(EstimateInput.self, from: json)
        } catch let error as DomainError {
            throw error
        } catch let error as DecodingError {
            throw DomainError(decoding: error)
        }
        try input.validate()
        return input
    }

    /// Checks every field, naming the first one at fault.
    public func validate() throws {
        if phases.isEmpty {
            throw DomainError(.invalidValue, field: "phases", "at least one phase is needed")
        }
        var seen = Set<DeliveryPhase>()
        for (i, phase) in phases.enumerated() {
            if !seen.insert(phase.phase).inserted {
                throw DomainError(.duplicate, field: "phases[\(i)].phase", "\(phase.phase.rawValue) appears twice")
            }
            try phase.validate(field: "phases[\(i)]")
        }
        try multipliers.validate(field: "multipliers")
        try correlation.validate(field: "correlation", count: phases.count)
        try tail.validate(field: "tail")
        for (i, risk) in risks.enumerated() {
            try risk.validate(field: "risks[\(i)]")
            if !seen.contains(risk.phase) {
                throw DomainError(.invalidValue, field: "risks[\(i)].phase", "\(risk.phase.rawValue) is not one of the estimate's phases")
            }
        }
        for (phase, weeks) in actuals.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let field = "actuals.\(phase.rawValue)"
            if !seen.contains(phase) {
                throw DomainError(.invalidValue, field: field, "\(phase.rawValue) is not one of the estimate's phases")
            }
            if !(weeks.isFinite && weeks >= 0) {
                throw DomainError(.invalidValue, field: field, "must be a finite number of weeks ≥ 0, got \(weeks)")
            }
        }
        if !(1...Self.maximumTrials).contains(trials) {
            throw DomainError(.outOfRange, field: "trials", "must be between 1 and \(Self.maximumTrials), got \(trials)")
        }
        if !(1...1000).contains(histogramBins) {
            throw DomainError(.outOfRange, field: "histogram_bins", "must be between 1 and 1000, got \(histogramBins)")
        }
        if !(2...1000).contains(sCurvePoints) {
            throw DomainError(.outOfRange, field: "s_curve_points", "must be between 2 and 1000, got \(sCurvePoints)")
        }
        if targetDate != nil && calendar == nil {
            throw DomainError(.missingField, field: "calendar.start_date", "a target date needs a calendar with a start date")
        }
        if let calendar, let targetDate, targetDate < calendar.startDate {
            throw DomainError(.invalidValue, field: "target_date", "\(targetDate) is before the start date \(calendar.startDate)")
        }
        try validateProgress(phases: seen)
    }

    /// A re-forecast's dates: a status date needs a calendar, phases run one after another (a phase
    /// starts only once every phase before it has finished), and nothing happens after the status date.
    func validateProgress(phases seen: Set<DeliveryPhase>) throws {
        if !progress.isEmpty && statusDate == nil {
            throw DomainError(.missingField, field: "status_date", "progress needs the status date it was reported as of")
        }
        guard let statusDate else { return }
        if calendar == nil {
            throw DomainError(.missingField, field: "calendar.start_date", "a status date needs a calendar with a start date")
        }
        var open: DeliveryPhase?
        for estimate in phases {
            let field = "progress.\(estimate.phase.rawValue)"
            guard let dates = progress[estimate.phase] else {
                open = open ?? estimate.phase
                continue
            }
            if actuals[estimate.phase] != nil {
                throw DomainError(.duplicate, field: field, "a phase has either an actual duration or dates, not both")
            }
            if let open {
                throw DomainError(
                    .invalidValue, field: "\(field).started",
                    "\(estimate.phase.rawValue) started while \(open.rawValue) had not finished; phases run one after another")
            }
            if dates.started > statusDate {
                throw DomainError(.invalidValue, field: "\(field).started", "\(dates.started) is after the status date \(statusDate)")
            }
            if let finished = dates.finished {
                if finished < dates.started {
                    throw DomainError(.invalidValue, field: "\(field).finished", "\(finished) is before the phase started (\(dates.started))")
                }
                if finished > statusDate {
                    throw DomainError(.invalidValue, field: "\(field).finished", "\(finished) is after the status date \(statusDate)")
                }
            } else {
                open = estimate.phase
            }
        }
        for phase in progress.keys where !seen.contains(phase) {
            throw DomainError(.invalidValue, field: "progress.\(phase.rawValue)", "\(phase.rawValue) is not one of the estimate's phases")
        }
    }
}

extension DomainError {
    /// Names the field a `DecodingError` points at, in the same JSON path form as validation errors.
    init(decoding error: DecodingError) {
        switch error {
        case .typeMismatch(let type, let context):
            self.init(.malformed, field: FieldPath.string(context.codingPath), "expected \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            self.init(.malformed, field: FieldPath.string(context.codingPath), "expected \(type), found null")
        case .keyNotFound(let key, let context):
            self.init(.missingField, field: FieldPath.string(context.codingPath + [key]), "required")
        case .dataCorrupted(let context):
            self.init(.malformed, field: FieldPath.string(context.codingPath), context.debugDescription)
        @unknown default:
            self.init(.malformed, field: "", "\(error)")
        }
    }
}
