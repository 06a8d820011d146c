import Dispatch
import FoundationEssentials
import Glibc
import GantryCore
import GantryDomain
import GantryPostgresStore

/// `estimate.simulate`: the Monte Carlo schedule forecast of one project, stored in `estimates`.
///
/// Loads the project and its phases, builds the engine's input from them and the payload's overrides
/// (`EstimateRequest`), runs `MonteCarloEstimator` on a thread of its own, and writes the estimate
/// and the job's result in one transaction through `ResultLedger`, so a run repeated after a crash
/// stores nothing twice. A project with done phases gets a re-forecast: their actual durations
/// replace sampling. Returns a small summary (`estimate_id`, `kind`, `p50_weeks`, `p80_weeks`,
/// `p90_weeks`, `p80_finish`, `probability_on_time`, `trials`, `seed`).
///
/// With `"mode": "calibration"` it first fits the factor multipliers on the firm's finished projects
/// (`FactorCalibrator`, with the payload's multipliers or the defaults as the prior), measures how
/// well past forecasts covered their actuals (share of actual totals at or under P50 and P80), then
/// forecasts the project with the fitted table and stores that as an estimate of kind `calibration`
/// whose result also holds `calibration` and `coverage`; the summary carries both too. See
/// `EstimateSimulateHandler+Calibration.swift`.
///
/// Permanent failures (dead letter at once): a payload that fails the kind's schema or the domain's
/// validation, and an unknown project, each with the field and reason. Database errors are retried.
public struct EstimateSimulateHandler: StoreHandler {
    /// The raw payload, which the kind's request type checks (`PayloadFields`).
    public typealias Payload = PayloadFields

    public let kind = EstimateSimulateKind.name
    let store: GantryStore

    public init(store: GantryStore) {
        self.store = store
    }

    public func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue? {
        let request = try EstimateRequest(payload: payload.fields)
        let jobID = context.jobID.uuid

        // A re-run whose first run committed needs no new simulation: the ledger answers with the
        // stored result (or, if that row was pruned, records the summary of the stored estimate).
        if let stored = try await store.estimates.estimate(producedBy: jobID) {
            return try await store.ledger.once(context.envelope) { _ in Self.summary(of: stored) }.result
        }

        guard let project = try await store.projects.project(request.projectID) else {
            throw EstimateRequest.invalid(field: "project_id", "no project \(request.projectID)")
        }
        // The status date: today in UTC, the day the forecast is made as of (a payload may set another).
        let today = CalendarDay(unixMilliseconds: WallClock.nowMs())
        let input = try request.input(for: project, today: today)
        if request.mode == .calibration {
            return try await calibrate(project: project, base: input, request: request, context: context)
        }
        let kind: EstimateRecord.Kind = input.progress.isEmpty && input.actuals.isEmpty ? .forecast : .reforecast
        await context.reportProgress(10, "project loaded; simulating \(input.trials) trials")
        try context.checkCancellation()

        let result = try await Self.simulate(input)
        try context.checkCancellation()
        await context.reportProgress(90, "simulated \(input.trials) trials")

        let draft = try Self.draft(projectID: project.id, jobID: jobID, kind: kind, input: input, result: result)
        let outcome = try await store.ledger.once(context.envelope) { transaction in
            Self.summary(of: try await transaction.estimates.insert(draft))
        }
        if outcome.ranNow { context.logger.info("estimate stored", metadata: ["project": "\(project.id)", "kind": "\(kind)"]) }
        return outcome.result
    }

    /// Runs the engine on a thread of its own: 10^7 trials take seconds of CPU, which on the
    /// cooperative pool would stall the worker's heartbeats and other jobs for as long.
    static func simulate(_ input: EstimateInput) async throws -> EstimateResult {
        try await offThePool { try MonteCarloEstimator.simulate(input) }
    }

    /// Runs CPU-bound `work` on a Dispatch worker thread, not on one of Swift's cooperative threads.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    /// The row to insert: the input and result as JSON, and the figures copied out of the result.
    /// `resultJSON` replaces the stored result when given (a calibration stores its fit with it).
    static func draft(
        projectID: UUID, jobID: UUID, kind: EstimateRecord.Kind, input: EstimateInput, result: EstimateResult,
        resultJSON: [UInt8]? = nil
    ) throws -> NewEstimate {
        guard let p50 = result.percentile(50), let p80 = result.percentile(80), let p90 = result.percentile(90) else {
            throw JobError.permanent("the engine's result lacks P50, P80 or P90")
        }
        guard let seed = Int64(exactly: input.seed) else {
            throw EstimateRequest.invalid(field: "seed", "must be at most \(Int64.max)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return NewEstimate(
            projectID: projectID, jobID: jobID, kind: kind, inputJSON: Array(try encoder.encode(input)),
            resultJSON: try resultJSON ?? Array(encoder.encode(result)), trials: input.trials, seed: seed,
            p50Weeks: p50.weeks, p80Weeks: p80.weeks, p90Weeks: p90.weeks, p80Finish: p80.finishDate,
            probabilityOnTime: result.probabilityOfMeetingTarget)
    }

    /// The job's result: what `gantry jobs` shows and a follow-up (report, notification) needs.
    /// A calibration adds its fit and its coverage report, read back from the stored result so that
    /// a re-run answers exactly as the first run did.
    static func summary(of estimate: EstimateRecord) -> JSONValue {
        var summary: [String: JSONValue] = [
            "estimate_id": .string(estimate.id.uuidString.lowercased()),
            "project_id": .string(estimate.projectID.uuidString.lowercased()),
            "kind": .string(estimate.kind.rawValue),
            "trials": .integer(Int64(estimate.trials)),
            "seed": .integer(estimate.seed),
            "p50_weeks": .number(estimate.p50Weeks),
            "p80_weeks": .number(estimate.p80Weeks),
            "p90_weeks": .number(estimate.p90Weeks),
            "p80_finish": estimate.p80Finish.map { .string("\($0)") } ?? .null,
            "probability_on_time": estimate.probabilityOnTime.map { .number($0) } ?? .null,
        ]
        if estimate.kind == .calibration, let stored = try? JSONValue.parse(estimate.resultJSON) {
            summary["calibration"] = stored["calibration"] ?? .null
            summary["coverage"] = stored["coverage"] ?? .null
        }
        return .object(summary)
    }
}
