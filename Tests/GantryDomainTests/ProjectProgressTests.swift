import Testing
@testable import GantryDomain

/// The phase state machine with no I/O: every legal transition, each illegal one refused with its
/// code and nothing changed, the roll-up maths and the at-risk rule.
@Suite struct ProjectProgressTests {
    let day1 = CalendarDay("2026-03-02")!

    func key(_ text: String) -> StepKey { try! StepKey(parsing: text) }

    /// Completes every step of `phase` (gate last, approved by "pm") starting on `day`, one day each.
    @discardableResult
    func finish(_ phase: DeliveryPhase, in progress: inout ProjectProgress, from day: CalendarDay) throws -> CalendarDay {
        var d = day
        for step in phase.steps {
            _ = try progress.apply(.complete(StepKey(phase: phase, step: step), approvedBy: phase.gate == step ? "pm" : nil), on: d)
            d = d.adding(days: 1)
        }
        return d
    }

    func refusal(_ progress: ProjectProgress, _ command: ProgressCommand, on day: CalendarDay) -> ProgressError? {
        var copy = progress
        do {
            _ = try copy.apply(command, on: day)
            return nil
        } catch {
            #expect(copy == progress, "a refused command must change nothing")
            return error
        }
    }

    // MARK: Step keys

    @Test func stepKeysParseFullAndShortPhaseNames() throws {
        #expect(try StepKey(parsing: "requirements.review") == StepKey(phase: .requirementsAnalysis, step: "review"))
        #expect(try StepKey(parsing: "requirements_analysis.review") == StepKey(phase: .requirementsAnalysis, step: "review"))
        #expect(try StepKey(parsing: "design.architecture") == StepKey(phase: .systemDesign, step: "architecture"))
        #expect(try StepKey(parsing: "system.ui") == StepKey(phase: .systemDesign, step: "ui"))
        #expect(try StepKey(parsing: "development.user_acceptance_testing").phase == .developmentAndTesting)
        #expect(try StepKey(parsing: "deployment.data_migration").phase == .deploymentAndTraining)
        #expect(try StepKey(parsing: "maintenance.fixes").phase == .maintenanceAndSupport)
        #expect(StepKey(phase: .systemDesign, step: "ui").description == "system_design.ui")
    }

    @Test func unknownPhasesAndStepsAreRefusedNamingTheChoices() {
        #expect(throws: ProgressError.self) { try StepKey(parsing: "review") }
        do {
            _ = try StepKey(parsing: "requirements.signoff")
            Issue.record("accepted an unknown step")
        } catch {
            #expect(error.code == .unknownStep)
            #expect(error.message.contains("research, consolidation, review"))
        }
        do {
            _ = try StepKey(parsing: "launch.party")
            Issue.record("accepted an unknown phase")
        } catch {
            #expect(error.code == .unknownStep && error.message.contains("requirements_analysis"))
        }
    }

    // MARK: Legal transitions

    @Test func startingTheFirstStepStartsThePhaseAndTheProject() throws {
        var progress = ProjectProgress()
        let events = try progress.apply(.start(key("requirements.research")), on: day1)
        #expect(events.map(\.kind) == [.projectStarted, .phaseStarted, .stepStarted])
        #expect(progress.status == .active)
        #expect(progress.phases[0].state == .active && progress.phases[0].actualStart == day1)
        #expect(progress.phases[0].steps[0].state == .active && progress.phases[0].steps[0].actualStart == day1)
    }

    @Test func aStepKeepsTheDayItReallyStarted() throws {
        var progress = ProjectProgress()
        _ = try progress.apply(.start(key("requirements.research")), on: day1)
        let events = try progress.apply(.complete(key("requirements.research")), on: day1.adding(days: 6))
        #expect(events.map(\.kind) == [.stepCompleted])
        let step = progress.phases[0].steps[0]
        #expect(step.state == .done && step.actualStart == day1 && step.actualEnd == day1.adding(days: 6))
    }

    @Test func completingAStepNeverStartedStartsItOnTheGivenDayOrElseOnTheDayOfCompletion() throws {
        var progress = ProjectProgress()
        let events = try progress.apply(.complete(key("requirements.research"), startedOn: day1), on: day1.adding(days: 4))
        #expect(events.map(\.kind) == [.projectStarted, .phaseStarted, .stepStarted, .stepCompleted])
        #expect(progress.phases[0].steps[0].actualStart == day1 && progress.phases[0].actualStart == day1)
        _ = try progress.apply(.complete(key("requirements.consolidation")), on: day1.adding(days: 9))
        #expect(progress.phases[0].steps[1].actualStart == day1.adding(days: 9))
    }

    @Test func workStepsOfAnOpenPhaseRunInAnyOrder() throws {
        var progress = ProjectProgress()
        var d = try finish(.requirementsAnalysis, in: &progress, from: day1)
        d = try finish(.systemDesign, in: &progress, from: d)
        _ = try progress.apply(.start(key("development.backend")), on: d)
        _ = try progress.apply(.start(key("development.frontend")), on: d)
        _ = try progress.apply(.complete(key("development.integration_testing")), on: d.adding(days: 1))
        _ = try progress.apply(.complete(key("development.frontend")), on: d.adding(days: 2))
        let phase = progress.phase(.developmentAndTesting)!
        #expect(phase.state == .active)
        #expect(phase.steps.map(\.state) == [.done, .active, .done, .pending])
    }

    @Test func lastWorkStepPutsAGatedPhaseInReviewAndTheApprovedGateCompletesIt() throws {
        var progress = ProjectProgress()
        _ = try progress.apply(.complete(key("requirements.research")), on: day1)
        let inReview = try progress.apply(.complete(key("requirements.consolidation")), on: day1.adding(days: 5))
        #expect(inReview.map(\.kind) == [.stepStarted, .stepCompleted, .phaseInReview])
        #expect(progress.phases[0].state == .inReview)
        let approved = try progress.apply(
            .complete(key("requirements.review"), approvedBy: "  Li Wei (client PM) "), on: day1.adding(days: 12))
        #expect(approved.map(\.kind) == [.stepStarted, .stepCompleted, .gateApproved, .phaseCompleted])
        #expect(approved.last?.phase == .requirementsAnalysis && approved.last?.day == day1.adding(days: 12))
        #expect(progress.phases[0].state == .done)
        #expect(progress.phases[0].actualStart == day1 && progress.phases[0].actualEnd == day1.adding(days: 12))
        #expect(progress.phases[0].steps[2].approvedBy == "Li Wei (client PM)")
        #expect(progress.currentPhase == .systemDesign)
    }

    @Test func aPhaseWithoutGateIsDoneWithItsLastStep() throws {
        var progress = ProjectProgress()
        let d = try finish(.requirementsAnalysis, in: &progress, from: day1)
        for step in ["architecture", "database", "ui"] {
            _ = try progress.apply(.complete(StepKey(phase: .systemDesign, step: step)), on: d)
        }
        #expect(progress.phase(.systemDesign)!.state == .active)
        let events = try progress.apply(.complete(key("design.business_logic")), on: d.adding(days: 30))
        #expect(events.map(\.kind) == [.stepStarted, .stepCompleted, .phaseCompleted])
        #expect(progress.phase(.systemDesign)!.actualEnd == d.adding(days: 30))
    }

    @Test func theNextPhaseOpensOnceTheGateIsApproved() throws {
        var progress = ProjectProgress()
        let d = try finish(.requirementsAnalysis, in: &progress, from: day1)
        let events = try progress.apply(.start(key("design.architecture")), on: d)
        #expect(events.map(\.kind) == [.phaseStarted, .stepStarted])
    }

    @Test func finishingDeploymentGoesLiveAndFinishingMaintenanceCompletesTheProject() throws {
        var progress = ProjectProgress()
        var d = day1
        for phase in [DeliveryPhase.requirementsAnalysis, .systemDesign, .developmentAndTesting] {
            d = try finish(phase, in: &progress, from: d)
        }
        _ = try progress.apply(.complete(key("deployment.deployment")), on: d)
        _ = try progress.apply(.complete(key("deployment.data_migration")), on: d)
        let live = try progress.apply(.complete(key("deployment.user_training")), on: d.adding(days: 1))
        #expect(live.map(\.kind) == [.stepStarted, .stepCompleted, .phaseCompleted, .projectLive])
        #expect(progress.status == .active)
        _ = try progress.apply(.complete(key("maintenance.monitoring")), on: d.adding(days: 2))
        _ = try progress.apply(.complete(key("maintenance.fixes")), on: d.adding(days: 2))
        let done = try progress.apply(.complete(key("maintenance.optimisation")), on: d.adding(days: 3))
        #expect(done.map(\.kind) == [.stepStarted, .stepCompleted, .phaseCompleted, .projectCompleted])
        #expect(progress.status == .done && progress.fractionDone == 1 && progress.currentPhase == nil)
    }

    // MARK: Illegal transitions

    @Test func designCannotStartOrFinishBeforeTheRequirementsReviewIsApproved() throws {
        var progress = ProjectProgress()
        _ = try progress.apply(.complete(key("requirements.research")), on: day1)
        _ = try progress.apply(.complete(key("requirements.consolidation")), on: day1)
        for command in [ProgressCommand.start(key("design.architecture")), .complete(key("design.architecture"))] {
            let error = refusal(progress, command, on: day1)
            #expect(error?.code == .phaseNotOpen)
            #expect(error?.message == "system_design cannot start before requirements_analysis.review is approved")
        }
    }

    @Test func aPhaseWithoutGateMustBeDoneBeforeTheNextStarts() throws {
        var progress = ProjectProgress()
        let d = try finish(.requirementsAnalysis, in: &progress, from: day1)
        _ = try progress.apply(.complete(key("design.architecture")), on: d)
        let error = refusal(progress, .start(key("development.frontend")), on: d)
        #expect(error?.code == .phaseNotOpen)
        #expect(error?.message.contains("open steps: database, ui, business_logic") == true)
    }

    @Test func phasesCannotBeSkipped() throws {
        let error = refusal(ProjectProgress(), .complete(key("deployment.data_migration")), on: day1)
        #expect(error?.code == .phaseNotOpen)
    }

    @Test func aGateNeedsAnApproverAndItsPhasesOtherStepsDone() throws {
        var progress = ProjectProgress()
        _ = try progress.apply(.complete(key("requirements.research")), on: day1)
        #expect(refusal(progress, .complete(key("requirements.review"), approvedBy: "pm"), on: day1)?.code == .gateNotReady)
        _ = try progress.apply(.complete(key("requirements.consolidation")), on: day1)
        #expect(refusal(progress, .complete(key("requirements.review")), on: day1)?.code == .approvalRequired)
        #expect(refusal(progress, .complete(key("requirements.review"), approvedBy: "  "), on: day1)?.code == .invalidValue)
        #expect(refusal(progress, .complete(key("requirements.review"), approvedBy: "a\u{0}b"), on: day1)?.code == .invalidValue)
    }

    @Test func aStepIsStartedOnceAndCompletedOnce() throws {
        var progress = ProjectProgress()
        _ = try progress.apply(.start(key("requirements.research")), on: day1)
        #expect(refusal(progress, .start(key("requirements.research")), on: day1)?.code == .stepAlreadyStarted)
        _ = try progress.apply(.complete(key("requirements.research")), on: day1)
        #expect(refusal(progress, .complete(key("requirements.research")), on: day1)?.code == .stepAlreadyDone)
        #expect(refusal(progress, .start(key("requirements.research")), on: day1)?.code == .stepAlreadyDone)
    }

    @Test func aStepCannotEndBeforeItStarted() throws {
        var progress = ProjectProgress()
        _ = try progress.apply(.start(key("requirements.research")), on: day1)
        #expect(refusal(progress, .complete(key("requirements.research")), on: day1.adding(days: -1))?.code == .dateBeforeStart)
        #expect(
            refusal(progress, .complete(key("requirements.consolidation"), startedOn: day1), on: day1.adding(days: -3))?.code
                == .dateBeforeStart)
    }

    @Test func closedProjectsTakeNoProgress() throws {
        for status in [ProjectStatus.onHold, .cancelled, .done] {
            let error = refusal(ProjectProgress(status: status), .start(key("requirements.research")), on: day1)
            #expect(error?.code == .projectClosed && error?.message.contains(status.rawValue) == true)
        }
    }

    @Test func aStepTheModelDoesNotKnowIsRefused() {
        let error = refusal(ProjectProgress(), .start(StepKey(phase: .systemDesign, step: "painting")), on: day1)
        #expect(error?.code == .unknownStep)
    }

    // MARK: Roll-up

    @Test func phaseProgressIsTheShareOfStepsDone() throws {
        var progress = ProjectProgress()
        _ = try progress.apply(.complete(key("requirements.research")), on: day1)
        #expect(progress.phases[0].fractionDone == 1.0 / 3)
        _ = try progress.apply(.start(key("requirements.consolidation")), on: day1)
        #expect(progress.phases[0].fractionDone == 1.0 / 3, "a started step is not done")
    }

    @Test func projectProgressWeightsPhasesByTheirTypicalLength() throws {
        var progress = ProjectProgress()
        // Weights (typical weeks' mode): 3, 5, 10, 3, 2 = 23.
        try finish(.requirementsAnalysis, in: &progress, from: day1)
        #expect(abs(progress.fractionDone - 3.0 / 23) < 1e-12)
        _ = try progress.apply(.complete(key("design.architecture")), on: day1.adding(days: 5))
        #expect(abs(progress.fractionDone - (3.0 + 5.0 / 4) / 23) < 1e-12)
    }

    // MARK: At risk

    @Test func aPhasePastItsP80MakesTheProjectAtRiskUntilItIsNoLongerLate() throws {
        var progress = ProjectProgress()
        _ = try progress.apply(.start(key("requirements.research")), on: day1)
        let limits = PhaseLimits(p80Days: [.requirementsAnalysis: 21])
        // Day 21 of the phase (start counts as day 1) is within its P80; day 22 is past it.
        #expect(progress.review(limits: limits, on: day1.adding(days: 20)).isEmpty)
        #expect(!progress.atRisk)
        let late = progress.review(limits: limits, on: day1.adding(days: 21))
        #expect(late.map(\.kind) == [.projectAtRisk])
        #expect(late.first?.phase == .requirementsAnalysis && late.first?.daysElapsed == 22 && late.first?.p80Days == 21)
        #expect(progress.atRisk)
        #expect(progress.review(limits: limits, on: day1.adding(days: 30)).isEmpty, "reported once")
        // A re-forecast that gives the phase more room puts it back on track.
        let relaxed = progress.review(limits: PhaseLimits(p80Days: [.requirementsAnalysis: 40]), on: day1.adding(days: 30))
        #expect(relaxed.map(\.kind) == [.projectBackOnTrack] && !progress.atRisk)
    }

    @Test func donePendingAndUnforecastPhasesNeverMakeAProjectLate() throws {
        var progress = ProjectProgress()
        let d = try finish(.requirementsAnalysis, in: &progress, from: day1)
        let limits = PhaseLimits(p80Days: [.requirementsAnalysis: 1, .systemDesign: 1])
        #expect(progress.review(limits: limits, on: d.adding(days: 100)).isEmpty)
        _ = try progress.apply(.start(key("design.ui")), on: d)
        #expect(progress.review(limits: PhaseLimits(), on: d.adding(days: 100)).isEmpty)
        #expect(progress.review(limits: limits, on: d.adding(days: 1)).map(\.kind) == [.projectAtRisk])
    }

    @Test func limitsComeFromTheForecastsP80InCalendarDays() {
        let forecast = [
            PhaseForecast(
                phase: .systemDesign, mean: 5, standardDeviation: 0.4, p10: 4.5, p50: 5, p80: 5.3, p90: 5.6, actual: nil,
                rankCorrelation: 0.5, varianceShare: 0.3),
            PhaseForecast(
                phase: .requirementsAnalysis, mean: 3, standardDeviation: 0, p10: 3, p50: 3, p90: 3, actual: 3,
                rankCorrelation: 0, varianceShare: 0),
        ]
        #expect(PhaseLimits(forecast: forecast).p80Days == [.systemDesign: 38])
    }
}
