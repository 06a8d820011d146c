import FoundationEssentials
import Glibc
import GantryCore
import GantryDomain
import GantryPostgresStore

extension EstimateSimulateHandler {
    /// The calibration mode: learn the multipliers from the firm's finished projects, then forecast
    /// `project` with them, storing one `calibration` estimate effectively once.
    ///
    /// A firm with no finished project has nothing to learn from, and retrying will not change that
    /// until a project finishes: that is a permanent failure with a message saying what "finished"
    /// means, as is a history too thin to separate the factors.
    func calibrate(
        project: ProjectRecord, base: EstimateInput, request: EstimateRequest, context: JobContext
    ) async throws -> JSONValue? {
        guard let calendar = base.calendar else {
            throw EstimateRequest.invalid(field: "$", "the project's calendar was not applied")
        }
        let finished = try await store.finishedProjects.finishedProjects()
        let history = try EstimateCalibration.history(from: finished, phases: base.phases.map(\.phase), calendar: calendar)
        guard !history.isEmpty else {
            throw JobError.permanent(
                "\(EstimateSimulateKind.name) calibration: no finished project to learn from (a project is finished "
                    + "when all its delivery phases are done with planned and actual dates; cancelled ones do not count)")
        }
        await context.reportProgress(10, "loaded \(history.count) finished projects; calibrating")
        try context.checkCancellation()

        let minimum = request.minimumObservations
        let keepCorrelation = request.overrides["correlation"] != nil
        let keepTail = request.overrides["tail"] != nil
        let calibration = try await Self.offThePool {
            try EstimateCalibration.run(
                base: base, history: history, minimumObservations: minimum, keepCorrelation: keepCorrelation,
                keepTail: keepTail)
        }
        try context.checkCancellation()
        await context.reportProgress(
            90, "fitted \(calibration.fit.observationCount) phase outcomes of \(calibration.fit.projectCount) projects")

        let draft = try Self.draft(
            projectID: project.id, jobID: context.jobID.uuid, kind: .calibration, input: calibration.input,
            result: calibration.result, resultJSON: try calibration.resultJSON().jsonBytes)
        let outcome = try await store.ledger.once(context.envelope) { transaction in
            Self.summary(of: try await transaction.estimates.insert(draft))
        }
        if outcome.ranNow {
            context.logger.info(
                "calibration stored",
                metadata: [
                    "project": "\(project.id)", "history": "\(calibration.fit.projectCount)",
                    "share_under_p80": "\(calibration.coverage.shareUnderP80)",
                ])
        }
        return outcome.result
    }
}
