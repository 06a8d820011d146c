import Testing
@testable import GantryDomain

/// Re-forecasts as of a status date (issue 14's fourth point): done phases count with their actual
/// dates and the gaps between them, the running phase is sampled given the time it has taken, and no
/// forecast finishes before the status date.
@Suite struct ReforecastTests {
    static let start = CalendarDay("2026-01-05")!
    static let calendar = WorkingCalendar(startDate: start)

    /// A late project: requirements took 6 weeks (its estimate says 2–4), three idle weeks followed,
    /// design has been running since 2026-03-09, and the status date is 2026-05-29.
    static func lateProject(correlation: PhaseCorrelation = .default, trials: Int = 50_000) -> EstimateInput {
        EstimateInput(
            correlation: correlation, calendar: calendar, statusDate: CalendarDay("2026-05-29")!,
            progress: [
                .requirementsAnalysis: PhaseDates(started: start, finished: CalendarDay("2026-02-13")!),
                .systemDesign: PhaseDates(started: CalendarDay("2026-03-09")!),
            ],
            trials: trials, seed: 4)
    }

    @Test func noForecastOfALateProjectFinishesBeforeItsStatusDate() throws {
        let input = Self.lateProject()
        let result = try MonteCarloEstimator.simulate(input)
        let status = input.statusDate!
        #expect(result.percentiles.allSatisfy { $0.finishDate! > status })
        #expect(result.sCurve.allSatisfy { $0.date! > status })
        // Weeks elapsed to the status date: 104 working days (no holidays) over 5.
        #expect(abs(result.elapsedWeeks - Double(Self.calendar.workingDays(through: status)) / 5) < 1e-9)
        #expect(result.total.min >= result.elapsedWeeks)
        #expect(result.statusDate == status)
    }

    @Test func donePhasesTakeTheirActualDatesAndTheGapsBetweenThemCount() throws {
        let result = try MonteCarloEstimator.simulate(Self.lateProject())
        #expect(result.phase(.requirementsAnalysis)?.actual == 6)
        // Without the three idle weeks the elapsed time would be 6 weeks + design's 12 weeks so far.
        #expect(result.elapsedWeeks > 6 + 12 + 2.9)
        #expect(result.warnings.contains { $0.contains("requirements_analysis took 6 weeks") })
    }

    @Test func theRunningPhaseIsSampledGivenTheTimeItHasAlreadyTaken() throws {
        // Independent phases, so the running phase's distribution is exactly D | D > elapsed.
        let phase = PhaseEstimate(.developmentAndTesting, weeks: ThreePointEstimate(min: 8, max: 12))
        let elapsedDays = 50  // 10 weeks: the middle of the range.
        let status = Self.calendar.date(ofWorkingDay: elapsedDays)
        let input = EstimateInput(
            phases: [phase], correlation: .independent, calendar: Self.calendar, statusDate: status,
            progress: [.developmentAndTesting: PhaseDates(started: Self.start)], trials: 100_000, seed: 8)
        let draws = try MonteCarloEstimator.draws(input)
        let conditioned = referenceDraws(phase, count: 400_000, seed: 21).filter { $0 > 10 }
        let (d, p) = kolmogorovSmirnov(draws.phases[0], conditioned)
        #expect(p > 0.01, "D = \(d), p = \(p)")
        #expect(draws.phases[0].allSatisfy { $0 >= 10 - 1e-6 })
        let result = try MonteCarloEstimator.simulate(input)
        #expect(result.phase(.developmentAndTesting)?.elapsed == 10)
    }

    @Test func aLongDonePhaseMakesTheCorrelatedPhasesAfterItLonger() throws {
        func designMean(requirementsFinished: String) throws -> Double {
            let input = EstimateInput(
                correlation: .uniform(0.6), calendar: Self.calendar, statusDate: CalendarDay(requirementsFinished)!,
                progress: [.requirementsAnalysis: PhaseDates(started: Self.start, finished: CalendarDay(requirementsFinished)!)],
                trials: 50_000, seed: 6)
            return try MonteCarloEstimator.simulate(input).phase(.systemDesign)!.mean
        }
        let quick = try designMean(requirementsFinished: "2026-01-23")  // 3 weeks: below the 2–4 midpoint? no, at 3.
        let slow = try designMean(requirementsFinished: "2026-01-30")  // 4 weeks: its maximum.
        #expect(slow > quick + 0.3)
        #expect(quick > 4.8 && quick < 5.2)
    }

    @Test func aPhasePastItsMaximumIsExtrapolatedFromItsTimeSpentAndWarnedAbout() throws {
        // Design (4–6 weeks) has run 8 weeks.
        let status = Self.calendar.date(ofWorkingDay: 40)
        let input = EstimateInput(
            calendar: Self.calendar, statusDate: status,
            progress: [
                .requirementsAnalysis: PhaseDates(started: Self.start, finished: Self.start),
                .systemDesign: PhaseDates(started: Self.start.adding(days: 1)),
            ],
            trials: 20_000, seed: 3)
        let result = try MonteCarloEstimator.simulate(input)
        #expect(result.warnings.contains { $0.hasPrefix("system_design has run") })
        let design = try #require(result.phase(.systemDesign))
        #expect(design.p10 > design.elapsed!)
        #expect(result.percentiles.allSatisfy { $0.finishDate! > status })
    }

    @Test func aFinishedProjectIsForecastToEndOnItsLastActualDay() throws {
        var progress: [DeliveryPhase: PhaseDates] = [:]
        var day = Self.start
        for phase in DeliveryPhase.simulated {
            progress[phase] = PhaseDates(started: day, finished: day.adding(days: 11))
            day = day.adding(days: 14)
        }
        let last = day.adding(days: -3)
        let input = EstimateInput(calendar: Self.calendar, statusDate: last.adding(days: 30), progress: progress, trials: 100)
        let result = try MonteCarloEstimator.simulate(input)
        #expect(result.percentiles.allSatisfy { $0.finishDate == last })
    }

    @Test func aForecastMadeBeforeTheStartBeginsAtTheStart() throws {
        let before = try MonteCarloEstimator.simulate(
            EstimateInput(calendar: Self.calendar, statusDate: Self.start.adding(days: -20), trials: 10_000, seed: 1))
        let plain = try MonteCarloEstimator.simulate(EstimateInput(calendar: Self.calendar, trials: 10_000, seed: 1))
        #expect(before.percentiles == plain.percentiles)
        #expect(before.elapsedWeeks == 0)
    }

    @Test func datesThatContradictOneAnotherAreRefusedByField() {
        func field(_ progress: [DeliveryPhase: PhaseDates], status: String = "2026-03-02") -> String? {
            let input = EstimateInput(calendar: Self.calendar, statusDate: CalendarDay(status)!, progress: progress)
            do {
                try input.validate()
                return nil
            } catch let error as DomainError {
                return error.field
            } catch {
                return "?"
            }
        }
        #expect(field([.systemDesign: PhaseDates(started: Self.start)]) == "progress.system_design.started")
        #expect(field([.requirementsAnalysis: PhaseDates(started: CalendarDay("2026-03-09")!)]) == "progress.requirements_analysis.started")
        #expect(field([.requirementsAnalysis: PhaseDates(started: Self.start, finished: Self.start.adding(days: -1))])
            == "progress.requirements_analysis.finished")
        #expect(field([.requirementsAnalysis: PhaseDates(started: Self.start, finished: CalendarDay("2026-03-05")!)])
            == "progress.requirements_analysis.finished")
    }
}
