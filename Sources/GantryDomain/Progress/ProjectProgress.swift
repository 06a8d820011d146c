/// A project's progress through the seed's five phases, as a pure state machine: a command and a
/// day in, the events it caused out (``apply(_:on:)``), or a ``ProgressError`` and no change.
///
/// The rules (DESIGN.md "Phase model"):
/// - Phases run in order: a phase opens once the one before is done, which for requirements
///   analysis and development & testing means their review gate was approved.
/// - Within an open phase, work steps run in any order (frontend and backend overlap); the gate
///   comes last and needs an approver.
/// - A phase starts with its first step and is done with its last; the project is `active` from
///   its first step and `done` with its last phase. Dates are the days of those transitions, so a
///   step started on the 3rd and completed on the 9th shows seven days.
/// - Progress rolls up: a phase's is its share of steps done, the project's the phases' weighted by
///   their typical length (``DeliveryPhase/typicalWeeks``' mode), so finishing development moves
///   it more than finishing requirements.
/// - A phase that runs longer than its forecast P80 makes the project at risk (``review(limits:slip:on:)``).
public struct ProjectProgress: Sendable, Hashable {
    public struct Step: Sendable, Hashable {
        public var key: String
        public var state: PhaseState
        public var actualStart: CalendarDay?
        public var actualEnd: CalendarDay?
        public var approvedBy: String?

        public init(
            key: String, state: PhaseState = .pending, actualStart: CalendarDay? = nil, actualEnd: CalendarDay? = nil,
            approvedBy: String? = nil
        ) {
            self.key = key
            self.state = state
            self.actualStart = actualStart
            self.actualEnd = actualEnd
            self.approvedBy = approvedBy
        }
    }

    public struct Phase: Sendable, Hashable {
        public var phase: DeliveryPhase
        public var state: PhaseState
        public var actualStart: CalendarDay?
        public var actualEnd: CalendarDay?
        /// In the seed's step order.
        public var steps: [Step]

        public init(
            phase: DeliveryPhase, state: PhaseState = .pending, actualStart: CalendarDay? = nil,
            actualEnd: CalendarDay? = nil, steps: [Step]? = nil
        ) {
            self.phase = phase
            self.state = state
            self.actualStart = actualStart
            self.actualEnd = actualEnd
            self.steps = steps ?? phase.steps.map { Step(key: $0) }
        }

        /// Steps done over steps, 0 to 1.
        public var fractionDone: Double {
            steps.isEmpty ? (state == .done ? 1 : 0) : Double(steps.count { $0.state == .done }) / Double(steps.count)
        }
    }

    public var status: ProjectStatus
    public var atRisk: Bool
    /// The five phases in the seed's order.
    public var phases: [Phase]

    public init(status: ProjectStatus = .planned, atRisk: Bool = false, phases: [Phase]? = nil) {
        self.status = status
        self.atRisk = atRisk
        self.phases = phases ?? DeliveryPhase.allCases.map { Phase(phase: $0) }
    }

    /// The project's progress, 0 to 1: each phase's share of steps done, weighted by its typical
    /// length in weeks.
    public var fractionDone: Double {
        let weights = phases.map { $0.phase.typicalWeeks.mode }
        let total = weights.reduce(0, +)
        guard total > 0 else { return 0 }
        return zip(phases, weights).reduce(0) { $0 + $1.0.fractionDone * $1.1 } / total
    }

    /// The first phase that is not done, `nil` once all are.
    public var currentPhase: DeliveryPhase? { phases.first { $0.state != .done }?.phase }

    public func phase(_ key: DeliveryPhase) -> Phase? { phases.first { $0.phase == key } }

    // MARK: Transitions

    /// Applies `command` as of `day`.
    /// - Returns: the events, in the order they happened; the state is changed only on success.
    /// - Throws: ``ProgressError`` when the phase model forbids it (nothing is changed then).
    public mutating func apply(_ command: ProgressCommand, on day: CalendarDay) throws(ProgressError) -> [ProgressEvent] {
        var next = self
        var events: [ProgressEvent] = []
        let key = command.step
        guard status.isOpen else {
            throw ProgressError(.projectClosed, step: "\(key)", "the project is \(status.rawValue); it takes no more progress")
        }
        guard let p = phases.firstIndex(where: { $0.phase == key.phase }),
            let s = phases[p].steps.firstIndex(where: { $0.key == key.step })
        else { throw StepKey.noSuchStep(key.step, in: key.phase, written: "\(key)") }
        try checkOpen(p, for: key)
        let step = phases[p].steps[s]
        guard step.state != .done else {
            throw ProgressError(.stepAlreadyDone, step: "\(key)", "\(key) is done already (on \(step.actualEnd.map { "\($0)" } ?? "?"))")
        }
        switch command {
        case .start:
            guard step.actualStart == nil else {
                throw ProgressError(.stepAlreadyStarted, step: "\(key)", "\(key) was started on \(step.actualStart!)")
            }
            next.startStep(p, s, on: day, events: &events)
        case .complete(_, let approvedBy, let startedOn):
            let approver = try Self.approver(approvedBy, for: key)
            if key.phase.gate == key.step {
                guard approver != nil else {
                    throw ProgressError(.approvalRequired, step: "\(key)", "\(key) is a review gate: say who approved it (approved_by)")
                }
                let open = phases[p].steps.filter { $0.key != key.step && $0.state != .done }.map(\.key)
                guard open.isEmpty else {
                    throw ProgressError(
                        .gateNotReady, step: "\(key)",
                        "\(key) cannot be approved while steps of \(key.phase.rawValue) are open: \(open.joined(separator: ", "))")
                }
            }
            let start = step.actualStart ?? startedOn ?? day
            guard start <= day else {
                throw ProgressError(.dateBeforeStart, step: "\(key)", "\(key) cannot end on \(day), before its start on \(start)")
            }
            if step.actualStart == nil { next.startStep(p, s, on: start, events: &events) }
            next.completeStep(p, s, on: day, approvedBy: approver, events: &events)
        }
        self = next
        return events
    }

    /// Refuses work on a phase whose predecessor is not done, saying what is missing.
    private func checkOpen(_ p: Int, for key: StepKey) throws(ProgressError) {
        guard p > 0, phases[p].state == .pending else { return }
        let before = phases[p - 1]
        guard before.state != .done else { return }
        if let gate = before.phase.gate, before.steps.contains(where: { $0.key == gate && $0.state != .done }) {
            throw ProgressError(
                .phaseNotOpen, step: "\(key)",
                "\(key.phase.rawValue) cannot start before \(before.phase.rawValue).\(gate) is approved")
        }
        let open = before.steps.filter { $0.state != .done }.map(\.key)
        throw ProgressError(
            .phaseNotOpen, step: "\(key)",
            "\(key.phase.rawValue) cannot start before \(before.phase.rawValue) is done (open steps: \(open.joined(separator: ", ")))")
    }

    private static func approver(_ text: String?, for key: StepKey) throws(ProgressError) -> String? {
        guard let text else { return nil }
        let name = text.trimmingWhitespace()
        guard !name.isEmpty, name.count <= 200, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ProgressError(.invalidValue, step: "\(key)", "approved_by must be 1 to 200 printable characters")
        }
        return name
    }

    private mutating func startStep(_ p: Int, _ s: Int, on day: CalendarDay, events: inout [ProgressEvent]) {
        let phase = phases[p].phase
        if status == .planned {
            status = .active
            events.append(ProgressEvent(.projectStarted, day: day))
        }
        if phases[p].state == .pending {
            phases[p].state = .active
            phases[p].actualStart = day
            events.append(ProgressEvent(.phaseStarted, phase: phase, day: day))
        } else if let start = phases[p].actualStart, day < start {
            // A step reported late with an earlier real start moves the phase's start back.
            phases[p].actualStart = day
        }
        phases[p].steps[s].state = .active
        phases[p].steps[s].actualStart = day
        events.append(ProgressEvent(.stepStarted, phase: phase, step: phases[p].steps[s].key, day: day))
    }

    private mutating func completeStep(
        _ p: Int, _ s: Int, on day: CalendarDay, approvedBy: String?, events: inout [ProgressEvent]
    ) {
        let phase = phases[p].phase
        let key = phases[p].steps[s].key
        phases[p].steps[s].state = .done
        phases[p].steps[s].actualEnd = day
        phases[p].steps[s].approvedBy = approvedBy
        events.append(ProgressEvent(.stepCompleted, phase: phase, step: key, day: day, approvedBy: approvedBy))
        if phase.gate == key {
            events.append(ProgressEvent(.gateApproved, phase: phase, step: key, day: day, approvedBy: approvedBy))
        }
        let open = phases[p].steps.filter { $0.state != .done }
        if open.isEmpty {
            phases[p].state = .done
            phases[p].actualEnd = max(day, phases[p].steps.compactMap(\.actualEnd).max() ?? day)
            events.append(ProgressEvent(.phaseCompleted, phase: phase, day: phases[p].actualEnd!))
            if phase == .deploymentAndTraining {
                events.append(ProgressEvent(.projectLive, phase: phase, day: day))
            }
            if phases.allSatisfy({ $0.state == .done }) {
                status = .done
                events.append(ProgressEvent(.projectCompleted, day: day))
                if atRisk {
                    atRisk = false
                    events.append(ProgressEvent(.projectBackOnTrack, day: day))
                }
            }
        } else if let gate = phase.gate, open.count == 1, open[0].key == gate, phases[p].state == .active {
            phases[p].state = .inReview
            events.append(ProgressEvent(.phaseInReview, phase: phase, step: gate, day: day))
        }
    }
}
