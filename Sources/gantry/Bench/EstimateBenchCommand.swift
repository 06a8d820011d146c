import ArgumentParser
import FoundationEssentials
import GantryDomain

/// `gantry bench estimate`: Monte Carlo schedule-forecast throughput on one core, beside the plain
/// reference implementation, so a regression in the engine shows as a number rather than a slow job.
struct EstimateBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Monte Carlo forecast trials per second on one core and on all, beside the plain reference implementation.",
        discussion: """
            The project is the benchmark's five phases: the seed's four simulated phases at their midpoints plus a
            1/2/4-week hypercare window for maintenance, all PERT-beta, rank-correlated at 0.3 through the Gaussian
            copula — the phases of checks/peers/mc_numpy.py, which correlates them with a common lognormal factor
            instead (the cheaper, marginal-distorting model this engine replaced). Each run is a whole forecast (sampling,
            percentiles, histogram, S-curve, sensitivity), single-threaded; the best of --runs is reported. Then one
            forecast per core runs at once, each on a task of its own, as a worker busy with estimate jobs on every
            core would: trials_per_s_all_cores is all their trials over the wall time of the slowest (best of --runs).
            The reference implementation runs fewer trials and its rate is scaled to trials/s.
            """
    )

    @Option(help: "Trials per run of the fast engine.")
    var trials = 1_000_000

    @Option(help: "Trials for the reference implementation.")
    var referenceTrials = 20_000

    @Option(help: "Timed runs of the fast engine; the best is reported.")
    var runs = 3

    @OptionGroup var scale: BenchScale
    @OptionGroup var output: BenchOutput

    struct Output: Encodable {
        var benchmark = "estimate"
        var phases: Int
        var trials: Int
        var runs: Int
        var elapsed_s: Double
        var trials_per_s: Double
        var trials_per_s_all_cores: Double
        var cores: Int
        var reference_trials: Int
        var reference_elapsed_s: Double
        var reference_trials_per_s: Double
        var speedup: Double
        var p50_weeks: Double
        var p80_weeks: Double
        var p90_weeks: Double
    }

    func validate() throws {
        guard (1...EstimateInput.maximumTrials).contains(trials) else {
            throw ValidationError("--trials must be between 1 and \(EstimateInput.maximumTrials)")
        }
        guard referenceTrials >= 1, runs >= 1 else { throw ValidationError("--reference-trials and --runs must be at least 1") }
    }

    func run() async throws {
        let trials = scale.size(self.trials, quick: 100_000)
        let referenceTrials = scale.size(self.referenceTrials, quick: 2_000)
        let input = EstimateInput.benchmarkProject(trials: trials)

        // A bench process does nothing else, so running the CPU-bound forecast on the task's own thread
        // is what we want here: one core, no hops.
        output.progress("warm-up")
        _ = try MonteCarloEstimator.simulate(.benchmarkProject(trials: min(trials, 100_000), seed: 1))
        output.progress("\(runs) runs of \(trials) trials")
        var best = Double.infinity
        var result: EstimateResult?
        for _ in 0..<runs {
            let (r, seconds) = try await BenchServers.timed { try MonteCarloEstimator.simulate(input) }
            result = r
            best = min(best, seconds)
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        output.progress("\(runs) runs of \(cores) forecasts of \(trials) trials at once, one per core")
        var bestAllCores = Double.infinity
        for _ in 0..<runs {
            let seconds = try await BenchServers.seconds {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<cores { group.addTask { _ = try MonteCarloEstimator.simulate(input) } }
                    try await group.waitForAll()
                }
            }
            bestAllCores = min(bestAllCores, seconds)
        }
        output.progress("reference implementation, \(referenceTrials) trials")
        let referenceSeconds = try await BenchServers.seconds {
            _ = try ReferenceEstimator.simulate(.benchmarkProject(trials: referenceTrials))
        }
        let forecast = result!
        let figures = Output(
            phases: input.phases.count, trials: trials, runs: runs, elapsed_s: best,
            trials_per_s: Double(trials) / best, trials_per_s_all_cores: Double(cores * trials) / bestAllCores, cores: cores,
            reference_trials: referenceTrials,
            reference_elapsed_s: referenceSeconds, reference_trials_per_s: Double(referenceTrials) / referenceSeconds,
            speedup: (Double(trials) / best) / (Double(referenceTrials) / referenceSeconds),
            p50_weeks: forecast.percentile(50)!.weeks, p80_weeks: forecast.percentile(80)!.weeks,
            p90_weeks: forecast.percentile(90)!.weeks)
        try output.report(figures) {
            func line(_ label: String, _ figure: String) { print(BenchOutput.line(label, width: 26, figure)) }
            print("gantry bench estimate — \(figures.phases)-phase project, \(trials) trials per forecast")
            line("fast engine", Text.format("%12.0f trials/s  (%.3f s, best of %d)", figures.trials_per_s, best, runs))
            line("all \(cores) cores at once", Text.format("%12.0f trials/s  (%.3f s, best of %d)",
                                                       figures.trials_per_s_all_cores, bestAllCores, runs))
            line("reference implementation", Text.format("%12.0f trials/s  (%d trials in %.3f s)",
                                                   figures.reference_trials_per_s, referenceTrials, referenceSeconds))
            line("speedup", Text.format("%12.1fx", figures.speedup))
            line("forecast", Text.format("P50 %.2f, P80 %.2f, P90 %.2f weeks",
                                   figures.p50_weeks, figures.p80_weeks, figures.p90_weeks))
        }
    }
}
