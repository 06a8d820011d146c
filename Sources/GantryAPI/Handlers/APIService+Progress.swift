import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore
import OpenAPIRuntime

/// A project's progress through the phase model: `advanceProject` applies one command, and
/// `getProject` shows the result (`tracking`) with the project's history and follow-up chains.
extension APIService {
    func advanceProject(_ input: Operations.advanceProject.Input) async throws -> Operations.advanceProject.Output {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        let progress = try required(dependencies.progress, "progress store")
        let projectID = try Self.uuid(input.path.id)
        let key: StepKey
        do {
            key = try StepKey(parsing: body.step)
        } catch {
            throw APIError(400, error.code.name, error.message, field: "step")
        }
        let day = try body.on.map { try Self.day($0, field: "on") } ?? CalendarDay(unixMilliseconds: WallClock.nowMs())
        let startedOn = try body.started_on.map { try Self.day($0, field: "started_on") }
        let command: ProgressCommand
        switch body.action ?? .complete {
        case .start:
            // Said of a start, either would be silently ignored: refuse it so the caller notices.
            if body.approved_by != nil { throw APIError.badRequest("only a completion is approved", field: "approved_by") }
            if startedOn != nil { throw APIError.badRequest("a start happens `on` its day", field: "started_on") }
            command = .start(key)
        case .complete:
            command = .complete(key, approvedBy: body.approved_by, startedOn: startedOn)
        }
        let outcome: ProgressOutcome
        do {
            outcome = try await progress.apply(command, to: projectID, on: day, actor: RequestToken.current?.name)
        } catch let error as ProgressError {
            throw Self.progressRefusal(error)
        } catch let error as CRMStoreError where error.code == .projectNotFound {
            throw APIError.notFound("project", projectID.uuidString.lowercased())
        }
        return .ok(.init(body: .json(Self.trackingAnswer(outcome.progress, events: outcome.events, followUps: nil))))
    }

    /// The project's tracking for `getProject`: its progress with the latest 50 events and its
    /// follow-up chains; nil when this API has no progress store or the project is gone.
    func tracking(of projectID: UUID) async throws -> Components.Schemas.ProjectTracking? {
        guard let repository = dependencies.progress, let progress = try await repository.progress(of: projectID) else {
            return nil
        }
        let events = try await dependencies.projectEvents?.events(of: projectID, limit: 50) ?? []
        let followUps = try await dependencies.followUps?.followUps(of: projectID) ?? []
        return Self.trackingAnswer(progress, events: events, followUps: followUps)
    }

    /// 400 for a step that does not exist or a malformed approver (the request is wrong); 409 for a
    /// transition the phase model forbids now (the project's state is), with the model's code.
    static func progressRefusal(_ error: ProgressError) -> APIError {
        switch error.code {
        case .unknownStep: APIError(400, error.code.name, error.message, field: "step")
        case .invalidValue: APIError(400, error.code.name, error.message, field: "approved_by")
        default: APIError(409, error.code.name, error.message)
        }
    }

    static func day(_ text: String, field: String) throws -> CalendarDay {
        guard let day = CalendarDay(text) else { throw APIError.badRequest("expected a date (YYYY-MM-DD)", field: field) }
        return day
    }

    static func trackingAnswer(_ p: ProjectProgress, events: [ProjectEventRecord], followUps: [FollowUpRecord]?)
        -> Components.Schemas.ProjectTracking
    {
        Components.Schemas.ProjectTracking(
            status: .init(wire: p.status), health: p.atRisk ? .at_risk : .on_track, at_risk: p.atRisk,
            progress: p.fractionDone, current_phase: p.currentPhase?.rawValue,
            phases: p.phases.map { phase in
                Components.Schemas.PhaseTracking(
                    phase: phase.phase.rawValue, state: .init(wire: phase.state), progress: phase.fractionDone,
                    actual_start: phase.actualStart?.description, actual_end: phase.actualEnd?.description, gate: phase.phase.gate,
                    steps: phase.steps.map { step in
                        Components.Schemas.StepTracking(
                            step: step.key, state: .init(wire: step.state), gate: phase.phase.gate == step.key,
                            actual_start: step.actualStart?.description, actual_end: step.actualEnd?.description,
                            approved_by: step.approvedBy)
                    })
            },
            events: events.map(eventAnswer), follow_ups: followUps.map(chainRuns))
    }

    static func eventAnswer(_ r: ProjectEventRecord) -> Components.Schemas.ProjectEvent {
        Components.Schemas.ProjectEvent(
            seq: r.seq, id: r.id.uuidString.lowercased(), _type: r.event.kind.rawValue, phase: r.event.phase?.rawValue,
            step: r.event.step, day: r.event.day.description, approved_by: r.event.approvedBy, days_elapsed: r.event.daysElapsed,
            p80_days: r.event.p80Days, slip_working_days: r.event.slipWorkingDays, p80_finish: r.event.p80Finish?.description,
            actor: r.actor, occurred_at: r.occurredAt)
    }

    /// The follow-up steps grouped into one run per (trigger, chain), in the order the runs began.
    static func chainRuns(_ followUps: [FollowUpRecord]) -> [Components.Schemas.FollowUpChainRun] {
        var order: [String] = []
        var runs: [String: [FollowUpRecord]] = [:]
        for f in followUps {
            let key = "\(f.triggerEvent.uuidString)|\(f.chain)"
            if runs[key] == nil { order.append(key) }
            runs[key, default: []].append(f)
        }
        return order.compactMap { key in
            guard let steps = runs[key]?.sorted(by: { $0.step < $1.step }), let first = steps.first else { return nil }
            let state: Components.Schemas.FollowUpChainRun.statePayload =
                steps.contains { $0.state == .failed } ? .failed : steps.contains { $0.state == .enqueued } ? .running : .done
            return Components.Schemas.FollowUpChainRun(
                chain: first.chain, trigger_event: first.triggerEvent.uuidString.lowercased(), state: state,
                steps: steps.map { f in
                    var detail: Components.Schemas.FollowUpStepRun.detailPayload?
                    if case .object(let fields) = f.detail, !fields.isEmpty {
                        detail = .init(additionalProperties: f.detail.openAPIObject)
                    }
                    return Components.Schemas.FollowUpStepRun(
                        step: f.step, kind: f.kind, job_id: f.jobID?.uuidString.lowercased(), state: .init(wire: f.state),
                        detail: detail, created_at: f.createdAt, finished_at: f.finishedAt)
                })
        }
    }
}
