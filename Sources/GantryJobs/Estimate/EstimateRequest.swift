import FoundationEssentials
import Glibc
import GantryCore
import GantryDomain
import GantryPostgresStore

/// A checked `estimate.simulate` payload: the project and the overrides of its forecast's input.
///
/// Every refusal is a `JobError.permanent` whose message names the payload field and the reason:
/// retrying cannot fix a payload.
struct EstimateRequest: Sendable {
    /// What the job computes.
    typealias Mode = EstimateSimulateKind.Mode

    var projectID: UUID
    var mode: Mode
    /// Calibration: a factor level seen in fewer phase outcomes than this keeps the prior.
    var minimumObservations: Int
    /// The payload without `project_id`, already checked against `EstimateSimulateKind.schema`.
    var overrides: [String: JSONValue]

    /// Three outcomes per level before its multiplier is fitted: FactorCalibrator's default.
    static let defaultMinimumObservations = 3

    /// Payload keys copied into `EstimateInput` unchanged (the two types share their names).
    static let inputKeys = [
        "phases", "multipliers", "correlation", "tail", "risks", "trials", "seed", "histogram_bins", "s_curve_points",
    ]

    init(payload: [String: JSONValue]) throws(JobError) {
        do {
            try EstimateSimulateKind.schema.validate(.object(payload))
        } catch {
            throw Self.invalid(field: error.field ?? "$", error.message)
        }
        guard case .string(let text)? = payload["project_id"], let id = UUID(uuidString: text) else {
            throw Self.invalid(field: "project_id", "is not a UUID")
        }
        projectID = id
        if case .string(let name)? = payload["mode"] {
            guard let mode = Mode(rawValue: name) else { throw Self.invalid(field: "mode", "unknown mode '\(name)'") }
            self.mode = mode
        } else {
            mode = .forecast
        }
        if let given = payload["minimum_observations"], given != .null {
            guard mode == .calibration else {
                throw Self.invalid(field: "minimum_observations", "applies only to mode calibration")
            }
            // The schema accepts an integral number such as 5.0 as an integer too.
            switch given {
            case .integer(let minimum): minimumObservations = Int(minimum)
            case .number(let minimum): minimumObservations = Int(minimum)
            default: throw Self.invalid(field: "minimum_observations", "expected an integer")
            }
        } else {
            minimumObservations = Self.defaultMinimumObservations
        }
        var overrides = payload
        overrides["project_id"] = nil
        overrides["mode"] = nil
        overrides["minimum_observations"] = nil
        self.overrides = overrides.filter { $0.value != .null }
    }

    /// The forecast's input: the overrides over the project's start date, target date and factors,
    /// as of `today` (or the payload's `status_date`, or the project's latest recorded date when that
    /// is later than today), with the dates of its started phases — which
    /// makes it a re-forecast once a phase has started: done phases count with their actual dates,
    /// the running one with the time it has taken, and nothing finishes before the status date.
    func input(for project: ProjectRecord, today: CalendarDay) throws(JobError) -> EstimateInput {
        var fields: [String: JSONValue] = [:]
        for key in Self.inputKeys { fields[key] = overrides[key] }
        if case .string(let distribution)? = overrides["distribution"] {
            fields["phases"] = Self.phases(fields["phases"], defaultDistribution: distribution)
        }
        fields["factors"] = overrides["factors"] ?? Self.json(project.factors)
        fields["target_date"] = overrides["target_date"] ?? project.targetDate.map { .string("\($0)") }
        fields["status_date"] = overrides["status_date"]
        var calendar: [String: JSONValue] = ["start_date": .string("\(project.startDate)")]
        calendar["weekends_off"] = overrides["weekends_off"]
        calendar["holidays"] = overrides["holidays"]
        calendar["workdays"] = overrides["workdays"]
        fields["calendar"] = .object(calendar)
        Self.applyProjectSettings(of: project, overrides: overrides, to: &fields)

        var input: EstimateInput
        do {
            input = try EstimateInput.decode(json: Data(JSONValue.object(fields).jsonBytes))
            guard let workingCalendar = input.calendar else {
                throw DomainError(.missingField, field: "calendar", "the project's calendar was not applied")
            }
            input.progress = Self.progress(of: project, phases: input.phases.map(\.phase))
            if input.statusDate == nil {
                // Today, or the latest recorded date when the project's dates run ahead of the clock
                // (entered in advance, or a clock behind the firm's): a forecast is never made as of a
                // day before something it knows happened.
                let recorded = input.progress.values.flatMap { [$0.started] + ($0.finished.map { [$0] } ?? []) }
                input.statusDate = max(today, recorded.max() ?? today)
            }
            if input.progress.isEmpty && input.statusDate! <= workingCalendar.startDate {
                // Not started and not late: a plain forecast from the start.
                input.statusDate = nil
            }
            try input.validate()
        } catch let error as DomainError {
            throw Self.invalid(field: Self.payloadField(error.field), "\(error.message) (\(error.code))")
        } catch {
            throw Self.invalid(field: "$", "\(error)")
        }
        return input
    }

    /// The actual dates of the project's started phases that the estimate includes.
    static func progress(of project: ProjectRecord, phases: [DeliveryPhase]) -> [DeliveryPhase: PhaseDates] {
        var progress: [DeliveryPhase: PhaseDates] = [:]
        for record in project.phases where record.state == .done || record.state == .active {
            guard phases.contains(record.phase), let started = record.actualStart else { continue }
            progress[record.phase] = PhaseDates(started: started, finished: record.state == .done ? record.actualEnd : nil)
        }
        return progress
    }

    /// `distribution` for every phase that does not name its own (the seed's phases when none are given).
    static func phases(_ given: JSONValue?, defaultDistribution: String) -> JSONValue {
        guard case .array(let items)? = given else {
            return .array(DeliveryPhase.simulated.map { ["phase": .string($0.rawValue), "distribution": .string(defaultDistribution)] })
        }
        return .array(
            items.map { item in
                guard case .object(var phase) = item, phase["distribution"] == nil else { return item }
                phase["distribution"] = .string(defaultDistribution)
                return .object(phase)
            })
    }

    /// The payload's name for a field of `EstimateInput` (the calendar's fields are top-level in the payload).
    static func payloadField(_ field: String) -> String {
        guard field.hasPrefix("calendar.") else { return field.isEmpty ? "$" : field }
        // `calendar.start_date` is the project's start date, which the payload cannot set.
        return String(field.dropFirst("calendar.".count))
    }

    static func json(_ value: some Encodable) -> JSONValue? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return try? JSONValue.parse(Array(data))
    }

    static func invalid(field: String, _ reason: String) -> JobError {
        .permanent("invalid \(EstimateSimulateKind.name) payload: \(field): \(reason)")
    }
}
