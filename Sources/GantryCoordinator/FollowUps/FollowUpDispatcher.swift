import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore
import Glibc
import GantryKinds
import Logging

/// Runs the follow-up chains: the I/O around ``FollowUpPlanner``.
///
/// One ``dispatch(fence:)`` round, in one transaction that starts with the leader's fence:
/// 1. takes the outbox's undispatched events and starts the chains each triggers (step 0);
/// 2. takes open steps whose job has finished (a row in `job_results`, or a dead or cancelled run in
///    `job_runs`), records what they produced, and starts each chain's next step.
///
/// The jobs are enqueued after the commit. Each has a fixed ID and the unique key
/// `followup:<trigger>:<chain>:<step>`, so an enqueue lost to a crash after the commit is made good
/// by ``repair(olderThanSeconds:)``, and an enqueue made twice is refused by the queue; a job that
/// runs twice anyway commits its effect once (`ResultLedger` keys on the job ID). Each step is
/// therefore started once per trigger (`UNIQUE (trigger_event, chain, step)`), and its job's effect
/// happens once.
public struct FollowUpDispatcher: Sendable {
    /// What one round did.
    public struct Round: Sendable, Hashable {
        public var eventsDispatched = 0
        public var stepsStarted = 0
        public var stepsFinished = 0
        public var stepsSkipped = 0
        public var stepsFailed = 0

        public init() {}
    }

    let store: GantryStore
    let queue: any JobQueueDriver
    let planner: FollowUpPlanner
    let kinds: JobKindRegistry
    let batchSize: Int
    let logger: Logger
    /// The risk review's slip rule, so the review after a re-forecast judges as the periodic one does.
    let slipRule: ForecastSlipRule
    /// How long a follow-up job's unique key holds (a week: far longer than any chain waits).
    static let uniqueForMs: Int64 = 7 * 24 * 3_600_000

    public init(
        store: GantryStore, queue: any JobQueueDriver, planner: FollowUpPlanner = FollowUpPlanner(),
        kinds: JobKindRegistry, batchSize: Int = 500, logger: Logger, slipRule: ForecastSlipRule = .standard
    ) {
        self.slipRule = slipRule
        self.store = store
        self.queue = queue
        self.planner = planner
        self.kinds = kinds
        self.batchSize = batchSize
        self.logger = logger
    }

    /// One round; `fence` runs first in the round's transaction (the leader's fencing claim), so a
    /// coordinator that lost the lead cannot start or finish a step.
    @discardableResult
    public func dispatch(fence: @Sendable (StoreTransaction) async throws -> Void) async throws -> Round {
        let (jobs, round) = try await store.transaction { tx -> ([JobEnvelope], Round) in
            try await fence(tx)
            var jobs: [JobEnvelope] = []
            var round = Round()
            let events = try await tx.followUps.claimUndispatchedEvents(limit: batchSize)
            for record in events {
                for chain in planner.chains(triggeredBy: record.event.kind) {
                    let context = FollowUpContext(eventID: "\(record.id)", projectID: "\(record.projectID)", event: record.event)
                    try await start(chain, step: 0, trigger: record, context: context, parent: nil, tx, &jobs, &round)
                }
            }
            try await tx.followUps.markDispatched(events.map(\.seq))
            round.eventsDispatched = events.count
            for finished in try await tx.followUps.claimFinished(limit: batchSize) {
                try await advance(finished, tx, &jobs, &round)
            }
            return (jobs, round)
        }
        if !jobs.isEmpty { _ = try await queue.enqueue(jobs) }
        return round
    }

    /// Enqueues again the open steps started more than `olderThanSeconds` ago (see the type's
    /// comment); the queue stores nothing twice (same job ID, same unique key).
    /// - Returns: how many jobs were sent.
    @discardableResult
    public func repair(olderThanSeconds: Int = 60) async throws -> Int {
        var jobs: [JobEnvelope] = []
        for followUp in try await store.followUps.stale(olderThan: olderThanSeconds, limit: batchSize) {
            guard let jobID = followUp.jobID, let payload = followUp.detail["payload"] else { continue }
            let parent = try await store.followUps.run(triggerEvent: followUp.triggerEvent, chain: followUp.chain)
                .first { $0.step == followUp.step - 1 }?.jobID
            if let job = try? envelope(
                id: jobID, kind: followUp.kind, payload: payload, projectID: followUp.projectID,
                uniqueKey: Self.uniqueKey(followUp.triggerEvent, followUp.chain, followUp.step), parent: parent)
            {
                jobs.append(job)
            }
        }
        guard !jobs.isEmpty else { return 0 }
        _ = try await queue.enqueue(jobs)
        logger.debug("sent open follow-up jobs again", metadata: ["jobs": "\(jobs.count)"])
        return jobs.count
    }

    // MARK: Steps

    /// Records step `index` of `chain` and the ones after it that are skipped, and queues the job
    /// of the first that runs.
    private func start(
        _ chain: FollowUpChain, step index: Int, trigger: ProjectEventRecord, context: FollowUpContext, parent: UUID?,
        _ tx: StoreTransaction, _ jobs: inout [JobEnvelope], _ round: inout Round
    ) async throws {
        switch planner.decide(chain, step: index, context: context) {
        case .finished:
            return
        case .skip(let step, let kind, let reason):
            if try await tx.followUps.insert(
                projectID: trigger.projectID, chain: chain.name, triggerEvent: trigger.id, step: step, kind: kind,
                jobID: nil, state: .skipped, detail: ["reason": .string(reason)])
            {
                round.stepsSkipped += 1
            }
        case .run(let step, let kind, let payload):
            let jobID = UUID()
            let uniqueKey = Self.uniqueKey(trigger.id, chain.name, step)
            let job: JobEnvelope
            do {
                job = try envelope(
                    id: jobID, kind: kind, payload: payload, projectID: trigger.projectID, uniqueKey: uniqueKey,
                    parent: parent)
            } catch {
                try await tx.followUps.insert(
                    projectID: trigger.projectID, chain: chain.name, triggerEvent: trigger.id, step: step, kind: kind,
                    jobID: nil, state: .failed, detail: ["reason": .string("\(error)")])
                round.stepsFailed += 1
                return
            }
            if try await tx.followUps.insert(
                projectID: trigger.projectID, chain: chain.name, triggerEvent: trigger.id, step: step, kind: kind,
                jobID: jobID, state: .enqueued, detail: ["payload": payload])
            {
                jobs.append(job)
                round.stepsStarted += 1
            }
        }
    }

    /// Records how a step's job ended and starts the chain's next step.
    private func advance(
        _ finished: FinishedFollowUp, _ tx: StoreTransaction, _ jobs: inout [JobEnvelope], _ round: inout Round
    ) async throws {
        let followUp = finished.followUp
        guard let chain = planner.chain(named: followUp.chain), chain.steps.indices.contains(followUp.step) else {
            try await tx.followUps.finish(followUp.id, as: .failed, detail: ["reason": "this coordinator has no such chain step"])
            round.stepsFailed += 1
            return
        }
        switch finished.outcome {
        case .failed(let outcome, let error):
            try await tx.followUps.finish(
                followUp.id, as: .failed, detail: ["outcome": .string(outcome), "error": error.map(JSONValue.string) ?? .null])
            round.stepsFailed += 1
        case .succeeded(let result):
            let kept = planner.kept(from: result, by: chain.steps[followUp.step])
            try await tx.followUps.finish(followUp.id, as: .done, detail: kept)
            round.stepsFinished += 1
            guard let trigger = try await tx.followUps.event(followUp.triggerEvent) else { return }
            if followUp.kind == EstimateSimulateKind.name {
                // A new forecast moves the phases' P80s: the at-risk rule is re-read at once.
                try await ProgressRepository(executor: tx.executor, slipRule: slipRule).review(
                    trigger.projectID, on: CalendarDay(unixMilliseconds: WallClock.nowMs()), actor: "coordinator")
            }
            var context = FollowUpContext(eventID: "\(trigger.id)", projectID: "\(trigger.projectID)", event: trigger.event)
            for earlier in try await tx.followUps.run(triggerEvent: trigger.id, chain: chain.name)
            where earlier.step < followUp.step && earlier.state == .done {
                context.merge(kept: earlier.detail)
            }
            context.merge(kept: kept)
            for key in chain.steps[followUp.step].keep {
                let previous = try await tx.followUps.latestDetail(
                    key, kind: followUp.kind, projectID: trigger.projectID, before: trigger.seq)
                if case .string(let text)? = previous { context.values["previous_\(key)"] = text }
            }
            try await start(chain, step: followUp.step + 1, trigger: trigger, context: context, parent: followUp.jobID, tx, &jobs, &round)
        }
    }

    /// The step's job.
    /// - Throws: the kind registry's refusal when the payload does not pass the kind's schema (a
    ///   chain declaration mistake, recorded as a failed step instead of a dead job).
    private func envelope(
        id: UUID, kind: String, payload: JSONValue, projectID: UUID, uniqueKey: String, parent: UUID?
    ) throws(GantryError) -> JobEnvelope {
        let descriptor = try kinds.validate(kind: kind, payload: payload)
        return JobEnvelope(
            id: JobID(uuid: id), kind: kind, queue: descriptor.defaultQueue, payload: payload, projectID: "\(projectID)",
            maxAttempts: descriptor.defaultMaxAttempts, timeoutMs: descriptor.defaultTimeoutMs, uniqueKey: uniqueKey,
            uniqueForMs: Self.uniqueForMs, parentID: parent.map(JobID.init(uuid:)))
    }

    static func uniqueKey(_ trigger: UUID, _ chain: String, _ step: Int) -> String {
        "followup:\(trigger):\(chain):\(step)"
    }
}
