import Foundation
import GantryTesting
import Testing

/// `gantry bench`, the whole suite, through the real binary against the test servers: CI runs it once so that no
/// suite rots. It checks shapes and that figures were measured (positive), never how fast anything was.
@Suite("gantry bench, the whole suite", .enabled(if: TestServers.areAvailable))
struct BenchSuiteCLITests {
    @Test
    func quickSuitePrintsEverySuiteAsOneJSONObject() async throws {
        try await CLIHarness.with("cli bench suite") { cli, _ in
            let listed = try await cli.run(["bench", "--list-suites"])
            try #require(listed.status == 0, "\(listed)")
            let suites = listed.lines
            #expect(Set(["queue", "ceiling", "workers", "estimate", "import", "api"]).isSubset(of: suites), "\(listed)")

            let run = try await cli.run(["bench", "--quick", "--json", "--runs", "1"], timeoutSeconds: 600)
            #expect(run.status == 0, "\(run)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
            #expect(Set(report.keys) == Set(suites + ["machine"]), "\(report.keys.sorted())")
            for suite in suites {
                let figures = try #require(report[suite] as? [String: Any], "no \(suite) in \(report.keys.sorted())")
                #expect(figures["runs"] as? Int == 1, "\(suite): \(figures)")
                #expect(figures["spread"] is [String: Any], "\(suite): \(figures)")
            }
            let positive: [(suite: String, key: String)] = [
                ("queue", "lease_ack_per_s_c8"), ("queue", "lease_ack_per_s_c64"), ("queue", "grouped_ratio"), ("queue", "redis_us_per_job_lease"),
                ("queue", "redis_us_per_job_ack"), ("queue", "redis_us_per_job_enqueue"), ("queue", "redis_cpu_us_per_job"),
                ("ceiling", "lpush_rpop_per_s"), ("ceiling", "minimal_lease_ack_per_s"), ("ceiling", "minimal_redis_us_per_job"),
                ("workers", "noop_per_s"), ("estimate", "trials_per_s"), ("import", "rows_per_s"), ("api", "healthz_per_s"),
            ]
            for (suite, key) in positive {
                let value = (report[suite] as? [String: Any])?[key] as? Double
                #expect((value ?? 0) > 0, "\(suite).\(key) = \(String(describing: value))")
            }
            let queue = report["queue"] as? [String: Any]
            let lease = queue?["redis_us_per_job_lease"] as? Double ?? 0, ack = queue?["redis_us_per_job_ack"] as? Double ?? 0
            #expect(abs((queue?["redis_us_per_job"] as? Double ?? 0) - (lease + ack)) < 1e-6 * max(1, lease + ack))
            let machine = report["machine"] as? [String: Any]
            #expect((machine?["cores"] as? Int ?? 0) > 0, "\(String(describing: machine))")
            #expect(machine?["redis_version"] as? String != "unknown", "\(String(describing: machine))")
        }
    }
}
