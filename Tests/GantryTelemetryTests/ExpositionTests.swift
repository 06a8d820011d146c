import GantryCore
import GantryTelemetry
import GantryTesting
import Prometheus
import Synchronization
import Testing

/// What a process renders at `/metrics`: valid text, the counts recorded, the process's own figures.
@Suite struct ExpositionTests {
    @Test func jobMetricsCountEachOutcomeAndFillBothHistograms() async throws {
        let exposition = MetricsExposition()
        let jobs = JobMetrics(registry: exposition.registry, concurrency: 8)
        for _ in 0..<3 {
            jobs.started(queue: "q", kind: "gantry.noop", waitedMs: 4)
            jobs.finished(queue: "q", kind: "gantry.noop", outcome: .succeeded, duration: .milliseconds(2))
        }
        jobs.started(queue: "q", kind: "gantry.noop", waitedMs: 2_000)
        jobs.finished(queue: "q", kind: "gantry.noop", outcome: .dead, duration: .seconds(1.5))
        jobs.leasesReclaimed(queue: "q", count: 2)
        jobs.setRunning(5)
        let text = PrometheusExposition(await exposition.renderString())
        #expect(text.problems() == [])
        let labels = ["queue": "q", "kind": "gantry.noop"]
        #expect(text.sum("gantry_jobs_total", labels.merging(["outcome": "succeeded"]) { $1 }) == 3)
        #expect(text.sum("gantry_jobs_total", labels.merging(["outcome": "dead"]) { $1 }) == 1)
        // Every outcome is exported from the first job on, at 0 until it happens.
        #expect(text.has("gantry_jobs_total", ["outcome": "timed_out"]))
        #expect(text.sum("gantry_jobs_total", labels) == 4)
        #expect(text.sum("gantry_job_duration_seconds_count", labels) == 4)
        #expect(text.sum("gantry_job_wait_seconds_count", labels) == 4)
        // Seconds on the wire: 3 × 2 ms + 1.5 s, and 3 × 4 ms + 2 s.
        #expect(abs(text.sum("gantry_job_duration_seconds_sum", labels) - 1.506) < 1e-9)
        #expect(abs(text.sum("gantry_job_wait_seconds_sum", labels) - 2.012) < 1e-9)
        #expect(text.sum("gantry_job_duration_seconds_bucket", labels.merging(["le": "0.005"]) { $1 }) == 3)
        #expect(text.sum("gantry_leases_reclaimed_total", ["queue": "q"]) == 2)
        #expect(text.sum("gantry_worker_running") == 5)
        #expect(text.sum("gantry_worker_concurrency") == 8)
    }

    @Test func queueAndProjectGaugesAreSetAndAPairThatEmptiedReadsZero() async throws {
        let exposition = MetricsExposition(processMetrics: false)
        QueueGauges(registry: exposition.registry).set([
            QueueStats(queue: "a", ready: 3, leased: 2, delayed: 1, dead: 4, oldestReadyAgeMs: 1_500)
        ])
        let projects = ProjectGauges(registry: exposition.registry)
        projects.set([.init(phase: "system_design", status: "active", projects: 2), .init(phase: "none", status: "done", projects: 1)])
        projects.set([.init(phase: "none", status: "done", projects: 3)])
        let text = PrometheusExposition(await exposition.renderString())
        #expect(text.problems() == [])
        #expect(text.sum("gantry_queue_ready", ["queue": "a"]) == 3)
        #expect(text.sum("gantry_queue_leased", ["queue": "a"]) == 2)
        #expect(text.sum("gantry_queue_delayed", ["queue": "a"]) == 1)
        #expect(text.sum("gantry_queue_dead", ["queue": "a"]) == 4)
        #expect(text.sum("gantry_queue_oldest_age_seconds", ["queue": "a"]) == 1.5)
        #expect(text.has("gantry_projects", ["phase": "system_design", "status": "active"]))
        #expect(text.sum("gantry_projects", ["phase": "system_design"]) == 0)
        #expect(text.sum("gantry_projects", ["phase": "none", "status": "done"]) == 3)
        #expect(!text.text.contains("process_"))
    }

    @Test func refreshersRunBeforeEveryScrape() async throws {
        let exposition = MetricsExposition(processMetrics: false)
        let gauge = exposition.registry.makeGauge(descriptor: GantryMetric.workerRunning.prometheus)
        let calls = CallCount()
        exposition.beforeEachScrape {
            calls.increment()
            gauge.set(to: 7)
        }
        _ = await exposition.render()
        let text = PrometheusExposition(await exposition.renderString())
        #expect(text.sum("gantry_worker_running") == 7)
        #expect(calls.value == 2)
    }

    @Test func theCheckerCatchesWhatBreaksTheFormat() {
        let bad = PrometheusExposition(
            """
            # TYPE a_total gauge
            a_total 1
            # TYPE b counter
            b 2
            c{x="unclosed} 1
            d 1 2 3
            e{1x="a"} 1
            """)
        #expect(bad.problems().count == 5, "\(bad.problems())")
        let good = PrometheusExposition(
            """
            # HELP x_total A counter, with "quotes" and \\ backslashes
            # TYPE x_total counter
            x_total{a="b\\"c",d="\\n"} 1.5e3
            # TYPE y gauge
            y NaN
            y{z=""} -Inf 1700000000000
            """)
        #expect(good.problems() == [])
        #expect(good.sum("x_total", ["a": "b\"c"]) == 1500)
    }
}

/// A counter a `@Sendable` closure can bump (the test's own, not a metric).
final class CallCount: Sendable {
    private let count = Mutex(0)
    init() {}
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
