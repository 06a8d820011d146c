/// One step of one phase, written `phase.step` (`requirements_analysis.review`).
///
/// People type these, so the phase may also be given by its first word (`requirements.review`,
/// `design.architecture`, `development.user_acceptance_testing`, `deployment.data_migration`,
/// `maintenance.fixes`); the step is always the snake_case key of ``DeliveryPhase/steps``.
public struct StepKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public var phase: DeliveryPhase
    public var step: String

    public init(phase: DeliveryPhase, step: String) {
        self.phase = phase
        self.step = step
    }

    /// Parses `phase.step`, checking that the phase has that step.
    /// - Throws: ``ProgressError`` `unknown_step`, naming the phase's steps when only the step is wrong.
    public init(parsing text: String) throws(ProgressError) {
        let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let phase = Self.phase(named: parts[0]) else {
            throw ProgressError(
                .unknownStep, step: text,
                "'\(text)' is not phase.step; phases: \(DeliveryPhase.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard phase.steps.contains(parts[1]) else { throw Self.noSuchStep(parts[1], in: phase, written: text) }
        self.init(phase: phase, step: parts[1])
    }

    public var description: String { "\(phase.rawValue).\(step)" }

    /// `unknown_step` for a step `phase` does not have, naming the steps it has.
    static func noSuchStep(_ step: String, in phase: DeliveryPhase, written: String) -> ProgressError {
        ProgressError(
            .unknownStep, step: written, "\(phase.rawValue) has no step '\(step)'; its steps: \(phase.steps.joined(separator: ", "))")
    }

    /// The phase for its raw value or the raw value's first word.
    static func phase(named name: String) -> DeliveryPhase? {
        if let phase = DeliveryPhase(rawValue: name) { return phase }
        return DeliveryPhase.allCases.first { $0.rawValue.split(separator: "_").first.map(String.init) == name }
            ?? (name == "design" ? .systemDesign : nil)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension DeliveryPhase {
    /// The review step that must be approved before the next phase starts: the requirements review
    /// and user acceptance (the seed's two sign-offs); `nil` for phases without a gate.
    public var gate: String? {
        switch self {
        case .requirementsAnalysis: "review"
        case .developmentAndTesting: "user_acceptance_testing"
        default: nil
        }
    }
}
