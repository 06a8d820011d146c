import GantryTelemetry
import Testing

/// Every name in `GantryMetric` against Prometheus' conventions.
@Suite struct MetricNameTests {
    @Test func counterNamesEndInTotalAndNoOtherNameDoes() {
        for metric in GantryMetric.all {
            #expect((metric.kind == .counter) == metric.name.hasSuffix("_total"), "\(metric.name) is a \(metric.kind)")
        }
    }

    @Test func namesAreValidUniqueAndInBaseUnits() throws {
        let valid = try Regex(#"[a-zA-Z_:][a-zA-Z0-9_:]*"#)
        let label = try Regex(#"[a-zA-Z_][a-zA-Z0-9_]*"#)
        var seen: Set<String> = []
        for metric in GantryMetric.all {
            #expect(metric.name.wholeMatch(of: valid) != nil, "\(metric.name)")
            #expect(seen.insert(metric.name).inserted, "\(metric.name) twice")
            #expect(metric.name.hasPrefix("gantry_") || metric.name.hasPrefix("process_"), "\(metric.name)")
            for unit in ["_ms", "_milliseconds", "_microseconds", "_minutes", "_hours", "_kb", "_mb", "_kilobytes", "_megabytes"] {
                #expect(!metric.name.contains(unit), "\(metric.name) is not in a base unit")
            }
            for l in metric.labels {
                #expect(l.wholeMatch(of: label) != nil && !l.hasPrefix("__") && l != "le", "\(metric.name){\(l)}")
            }
            #expect(!metric.help.isEmpty, "\(metric.name) has no help")
        }
    }

    @Test func histogramsAreInSeconds() {
        for metric in GantryMetric.all where metric.kind == .histogram {
            #expect(metric.name.hasSuffix("_seconds"), "\(metric.name)")
        }
        for buckets in [MetricBuckets.jobDuration, MetricBuckets.jobWait, MetricBuckets.httpRequest] {
            #expect(buckets == buckets.sorted() && Set(buckets).count == buckets.count)
        }
    }

    @Test func theIssuesNamesAreAllThere() {
        let names = Set(GantryMetric.all.map(\.name))
        for name in [
            "gantry_queue_ready", "gantry_queue_leased", "gantry_queue_delayed", "gantry_queue_dead",
            "gantry_queue_oldest_age_seconds", "gantry_group_running", "gantry_group_ready", "gantry_jobs_total", "gantry_job_duration_seconds", "gantry_job_wait_seconds",
            "gantry_leases_reclaimed_total", "gantry_worker_running", "gantry_worker_concurrency", "gantry_projects",
            "gantry_coordinator_leader", "gantry_coordinator_fencing_token", "process_resident_memory_bytes",
            "process_cpu_seconds_total", "process_open_fds",
        ] {
            #expect(names.contains(name), "\(name) is missing")
        }
    }
}
