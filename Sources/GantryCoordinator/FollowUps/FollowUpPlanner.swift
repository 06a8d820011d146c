import GantryCore
import GantryDomain

/// Decides, with no I/O, what a follow-up chain does next: which chains an event starts, whether
/// a step runs (and with what payload) or is skipped, and what a finished step keeps of its result.
public struct FollowUpPlanner: Sendable {
    public enum Decision: Sendable, Hashable {
        /// Run step `step` as a job of `kind` with `payload`.
        case run(step: Int, kind: String, payload: JSONValue)
        /// Record step `step` as skipped, with why; the chain ends there.
        case skip(step: Int, kind: String, reason: String)
        /// Every step has been recorded.
        case finished
    }

    public var chains: [FollowUpChain]

    public init(chains: [FollowUpChain] = FollowUpChain.defaults) { self.chains = chains }

    public func chains(triggeredBy kind: ProgressEvent.Kind) -> [FollowUpChain] {
        chains.filter { $0.trigger == kind }
    }

    public func chain(named name: String) -> FollowUpChain? { chains.first { $0.name == name } }

    /// The decision for step `index` of `chain` given what is known so far.
    public func decide(_ chain: FollowUpChain, step index: Int, context: FollowUpContext) -> Decision {
        guard chain.steps.indices.contains(index) else { return .finished }
        let step = chain.steps[index]
        switch step.condition {
        case .always:
            break
        case .ragChanged:
            let rag = context.values["rag"] ?? ""
            if let previous = context.values["previous_rag"], !previous.isEmpty, previous == rag {
                return .skip(step: index, kind: step.kind, reason: "the RAG status is still \(rag)")
            }
        }
        return .run(step: index, kind: step.kind, payload: context.fill(step.payload))
    }

    /// The fields of a finished job's result that the step keeps (``FollowUpStep/keep``).
    public func kept(from result: JSONValue?, by step: FollowUpStep) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        for key in step.keep {
            if let value = result?[key], value != .null { fields[key] = value }
        }
        return .object(fields)
    }
}
