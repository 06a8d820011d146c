import Testing
@testable import GantryDomain

@Suite struct BaselinePlannerTests {
    let start = CalendarDay("2027-01-04")!

    @Test func mediumFactorsPlanTheSeedsMidpointsEndToEnd() {
        let plan = BaselinePlanner().initial(start: start, factors: DeliveryFactors())
        #expect(plan.map(\.phase) == DeliveryPhase.allCases)
        #expect(plan.map(\.plannedDays) == [21, 35, 70, 21, nil])
        #expect(plan[0].plannedStart == start && plan[0].plannedEnd?.description == "2027-01-24")
        #expect(plan[1].plannedStart.description == "2027-01-25")
        #expect(plan[4].plannedStart.description == "2027-05-31" && plan[4].plannedEnd == nil)
        #expect(plan.allSatisfy { $0.multiplier == 1 })
    }

    @Test func anEnterpriseClientsPhasesAreLongerByTheFactorMultiplier() {
        let factors = DeliveryFactors(clientSize: .enterprise, complexity: .high)
        let plan = BaselinePlanner().initial(start: start, factors: factors)
        let multiplier = 1.35 * 1.17
        #expect(abs(plan[2].multiplier - multiplier) < 1e-12)
        #expect(plan[2].baseWeeks == 10)
        #expect(abs(plan[2].plannedWeeks! - 10 * multiplier) < 1e-9)
        #expect(plan[2].plannedDays == Int((70 * multiplier).rounded()))
        // End to end: each phase starts the day after the one before ends.
        for (a, b) in zip(plan, plan.dropFirst()) { #expect(a.plannedEnd!.adding(days: 1) == b.plannedStart) }
    }

    @Test func aRebaselineKeepsDonePhasesAndMovesTheRestFromWhereWorkStands() {
        let planner = BaselinePlanner()
        let first = planner.initial(start: start, factors: DeliveryFactors())
        let progress: [DeliveryPhase: BaselinePlanner.Progress] = [
            .requirementsAnalysis: .init(done: true, actualStart: start, actualEnd: CalendarDay("2027-01-29")!),
            .systemDesign: .init(done: false, actualStart: CalendarDay("2027-02-01")!, actualEnd: nil),
        ]
        let second = planner.rebaseline(
            first, progress: progress, projectStart: start, factors: DeliveryFactors(clientSize: .large),
            baseWeeks: [.developmentAndTesting: 14])
        #expect(second[0] == first[0], "done: kept as planned")
        #expect(second[1].plannedStart.description == "2027-02-01", "under way: from its actual start")
        #expect(second[1].baseWeeks == 5 && second[1].multiplier == 1.15)
        #expect(second[1].plannedDays == Int((35 * 1.15).rounded()))
        #expect(second[2].baseWeeks == 14, "the change request's weeks")
        #expect(second[2].plannedStart == second[1].plannedEnd!.adding(days: 1))
        #expect(second[4].plannedEnd == nil)
    }

    @Test func aRebaselineAfterADonePhaseStartsTheDayAfterItEnded() {
        let planner = BaselinePlanner()
        let first = planner.initial(start: start, factors: DeliveryFactors())
        let second = planner.rebaseline(
            first, progress: [.requirementsAnalysis: .init(done: true, actualStart: start, actualEnd: CalendarDay("2027-02-05")!)],
            projectStart: start, factors: DeliveryFactors(), baseWeeks: [:])
        #expect(second[1].plannedStart.description == "2027-02-06")
        #expect(second[1].plannedDays == 35)
    }

    @Test func changeRequestWeeksAreChecked() {
        #expect(throws: DomainError.self) { try BaselinePlanner.validate(baseWeeks: [.systemDesign: 0]) }
        #expect(throws: DomainError.self) { try BaselinePlanner.validate(baseWeeks: [.systemDesign: .infinity]) }
        #expect(throws: DomainError.self) { try BaselinePlanner.validate(baseWeeks: [.maintenanceAndSupport: 3]) }
        do {
            try BaselinePlanner.validate(baseWeeks: [.systemDesign: 600])
            Issue.record("600 weeks accepted")
        } catch {
            #expect(error.field == "phase_weeks.system_design")
        }
    }
}
