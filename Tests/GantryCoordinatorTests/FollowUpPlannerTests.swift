import GantryCore
import GantryDomain
import GantryKinds
import Testing

@testable import GantryCoordinator

/// The chains as data and the planner's decisions, with no I/O.
@Suite struct FollowUpPlannerTests {
    let planner = FollowUpPlanner()
    let phaseDone = ProgressEvent(.phaseCompleted, phase: .systemDesign, day: CalendarDay("2026-05-04")!)

    var context: FollowUpContext {
        FollowUpContext(eventID: "e1", projectID: "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee", event: phaseDone)
    }

    @Test func aPhaseDoneStartsTheReforecastChainAndAtRiskStartsTheNotice() {
        #expect(planner.chains(triggeredBy: .phaseCompleted).map(\.name) == ["phase-done"])
        #expect(planner.chains(triggeredBy: .projectAtRisk).map(\.name) == ["at-risk"])
        #expect(planner.chains(triggeredBy: .stepStarted).isEmpty)
        #expect(planner.chain(named: "phase-done")!.steps.map(\.kind) == ["estimate.simulate", "report.build", "notify.send"])
    }

    @Test func everyDefaultStepsPayloadPassesItsKindsSchemaOnceFilled() throws {
        var filled = context
        filled.merge(kept: ["rag": "amber", "report_id": "0190aaaa-bbbb-7ccc-8ddd-000000000001"])
        filled.values["previous_rag"] = "green"
        filled.values["days_elapsed"] = "30"
        filled.values["p80_days"] = "21"
        for chain in FollowUpChain.defaults {
            for (index, step) in chain.steps.enumerated() {
                guard case .run(_, let kind, let payload) = planner.decide(chain, step: index, context: filled) else {
                    Issue.record("\(chain.name) step \(index) did not run")
                    continue
                }
                #expect(kind == step.kind)
                #expect(throws: Never.self) { try GantryKinds.registry.validate(kind: kind, payload: payload) }
            }
        }
    }

    @Test func placeholdersAreFilledFromTheTriggerAndEarlierSteps() {
        var filled = context
        filled.merge(kept: ["rag": "red", "report_id": "r-9"])
        let chain = planner.chain(named: "phase-done")!
        guard case .run(2, "notify.send", let payload) = planner.decide(chain, step: 2, context: filled) else {
            Issue.record("the notification did not run")
            return
        }
        #expect(payload["project_id"] == "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee")
        #expect(payload["event"]?["id"] == "e1:rag")
        #expect(payload["event"]?["subject"] == "System design is done; schedule status Red")
        #expect(payload["event"]?["data"]?["phase"] == "system_design")
        #expect(payload["event"]?["data"]?["previous_rag"] == "")
        #expect(filled.fill(.string("${unknown}-${rag")) == .string("-${rag"))
    }

    @Test func theNotificationRunsOnlyWhenTheRAGStatusChanged() {
        let chain = planner.chain(named: "phase-done")!
        var same = context
        same.merge(kept: ["rag": "green"])
        same.values["previous_rag"] = "green"
        #expect(planner.decide(chain, step: 2, context: same) == .skip(step: 2, kind: "notify.send", reason: "the RAG status is still green"))
        var changed = same
        changed.values["previous_rag"] = "amber"
        guard case .run = planner.decide(chain, step: 2, context: changed) else {
            Issue.record("a change of RAG did not notify")
            return
        }
        var first = same
        first.values["previous_rag"] = nil
        guard case .run = planner.decide(chain, step: 2, context: first) else {
            Issue.record("a first report did not notify")
            return
        }
        #expect(planner.decide(chain, step: 3, context: changed) == .finished)
    }

    @Test func aStepKeepsOnlyTheResultFieldsItNames() {
        let step = planner.chain(named: "phase-done")!.steps[1]
        let kept = planner.kept(from: ["rag": "amber", "report_id": "r1", "bytes": 1234, "scope": "project"], by: step)
        #expect(kept == ["rag": "amber", "report_id": "r1"])
        #expect(planner.kept(from: nil, by: step) == .object([:]))
    }
}
