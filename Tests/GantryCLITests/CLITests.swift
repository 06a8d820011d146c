import Foundation
import GantryTesting
import Testing

/// The real `gantry` binary against a running `gantry api` on the test servers. Serialized: each test starts its
/// own API (and some a worker), and two cores are better spent on one at a time than on timing out together.
@Suite("gantry CLI", .serialized, .enabled(if: TestServers.areAvailable))
struct CLITests {
    @Test
    func submitPrintsTheJobIDAndQueuesJSONCountsExactlyWhatWasSubmitted() async throws {
        try await CLIHarness.with("cli submit") { cli, queue in
            var ids: [String] = []
            for n in 0..<3 {
                let result = try await cli.run(
                    ["submit", "gantry.sleep", "--payload", #"{"ms":\#(n)}"#, "--queue", queue], environment: cli.apiEnvironment)
                #expect(result.status == 0, "\(result)")
                #expect(result.lines.count == 1, "stdout is the ID alone: \(result)")
                ids += result.lines
            }
            #expect(Set(ids).count == 3)
            #expect(ids.allSatisfy { UUID(uuidString: $0) != nil }, "\(ids)")
            let delayed = try await cli.run(
                ["submit", "gantry.noop", "--queue", queue, "--delay", "10m"], environment: cli.apiEnvironment)
            #expect(delayed.status == 0, "\(delayed)")

            let stats = try #require(try await cli.queues()[queue])
            #expect(stats["ready"] as? Int == 3)
            #expect(stats["delayed"] as? Int == 1)
            #expect(stats["leased"] as? Int == 0)
            #expect(stats["dead"] as? Int == 0)
            #expect(stats["processed"] as? Int == 0)
            #expect(stats["failed"] as? Int == 0)
            #expect((stats["oldest_age_seconds"] as? Double).map { $0 >= 0 } == true, "\(stats)")
        }
    }

    @Test
    func submitWaitFollowsTheJobToItsResultAndExitsOneWhenItDies() async throws {
        try await CLIHarness.with("cli wait") { cli, queue in
            try cli.startWorker(queues: queue)

            let done = try await cli.run(
                ["submit", "gantry.noop", "--payload", #"{"result":true}"#, "--queue", queue, "--wait", "--wait-timeout", "60s"],
                environment: cli.apiEnvironment, timeoutSeconds: 90)
            #expect(done.status == 0, "\(done)")
            #expect(done.lines.count == 2, "the ID, then the result: \(done)")
            #expect(done.lines.first.flatMap { UUID(uuidString: $0) } != nil, "\(done)")
            let result = try JSONSerialization.jsonObject(with: Data((done.lines.last ?? "").utf8)) as? [String: Any]
            #expect(result?["ok"] as? Bool == true, "\(done)")

            // A project that does not exist fails estimate.simulate for good: dead after its one attempt.
            let dies = try await cli.run(
                [
                    "submit", "estimate.simulate", "--payload", #"{"project_id":"0190b2a4-0000-7000-8000-000000000000"}"#,
                    "--max-attempts", "1", "--queue", queue, "--wait", "--wait-timeout", "60s",
                ], environment: cli.apiEnvironment, timeoutSeconds: 90)
            #expect(dies.status == 1, "\(dies)")
            #expect(dies.stderr.contains("dead"), "\(dies)")
        }
    }

    @Test
    func bulkFileOfTenThousandLinesIsTakenOnceAndCounted() async throws {
        try await CLIHarness.with("cli bulk") { cli, queue in
            let file = cli.directory.appendingPathComponent("jobs.ndjson")
            try String(repeating: #"{"ms":0}"# + "\n", count: 10_000).write(to: file, atomically: true, encoding: .utf8)

            let result = try await cli.run(
                ["submit", "gantry.sleep", "--queue", queue, "--file", file.path, "--json"], environment: cli.apiEnvironment,
                timeoutSeconds: 120)
            #expect(result.status == 0, "\(result)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(summary["lines"] as? Int == 10_000)
            #expect(summary["taken"] as? Int == 10_000)
            #expect(summary["deduplicated"] as? Int == 0)
            #expect((summary["refused"] as? [Any])?.isEmpty == true)
            #expect(try await cli.queues()[queue]?["ready"] as? Int == 10_000)
        }
    }

    @Test
    func bulkFileReportsEachRefusedLineByNumberAndStoresTheRest() async throws {
        try await CLIHarness.with("cli bulk refused") { cli, queue in
            let file = cli.directory.appendingPathComponent("mixed.ndjson")
            try [#"{"ms":1}"#, "not json", #"{"ms":"soon"}"#, "", #"{"ms":2}"#, #"{"ms":3}"#].joined(separator: "\n")
                .write(to: file, atomically: true, encoding: .utf8)

            let result = try await cli.run(
                ["submit", "gantry.sleep", "--queue", queue, "--file", file.path, "--batch-size", "2", "--json"],
                environment: cli.apiEnvironment)
            #expect(result.status == 2, "\(result)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let refused = try #require(summary["refused"] as? [[String: Any]])
            #expect(refused.compactMap { $0["line"] as? Int } == [2, 3])
            #expect(refused.last?["field"] as? String == "payload.ms")
            #expect(summary["taken"] as? Int == 3)
            #expect(try await cli.queues()[queue]?["ready"] as? Int == 3)

            let human = try await cli.run(
                ["submit", "gantry.sleep", "--queue", queue, "--file", file.path], environment: cli.apiEnvironment)
            #expect(human.status == 2)
            #expect(human.stdout.contains("line 2:") && human.stdout.contains("line 3:"), "\(human)")
        }
    }

    @Test
    func exitCodesAreZeroOkTwoUsageThreeUnreachableOrUnauthorised() async throws {
        try await CLIHarness.with("cli exit codes") { cli, queue in

            #expect(try await cli.run(["queues", "--json"], environment: cli.apiEnvironment).status == 0)
            // Usage: a missing argument, a bad flag value, a payload the kind's schema refuses.
            #expect(try await cli.run(["submit"], environment: cli.apiEnvironment).status == 2)
            #expect(try await cli.run(["submit", "gantry.noop", "--priority", "12"], environment: cli.apiEnvironment).status == 2)
            let refused = try await cli.run(
                ["submit", "gantry.sleep", "--payload", #"{"ms":"soon"}"#, "--queue", queue], environment: cli.apiEnvironment)
            #expect(refused.status == 2, "\(refused)")
            #expect(refused.stderr.contains("payload.ms"), "the refusal names the field: \(refused)")
            // Unreachable: nothing listens there.
            let nobody = "http://127.0.0.1:\(try freeLoopbackPort())"
            let unreachable = try await cli.run(["queues"], environment: ["GANTRY_API_URL": nobody, "GANTRY_TOKEN": cli.token])
            #expect(unreachable.status == 3, "\(unreachable)")
            // Unauthorised: an unknown token, and a read-only token that submits.
            #expect(try await cli.run(["queues"], environment: ["GANTRY_API_URL": cli.apiURL, "GANTRY_TOKEN": "gty_nope"]).status == 3)
            let readOnly = try await cli.run(["tokens", "create", "--scopes", "read"])
            let forbidden = try await cli.run(
                ["submit", "gantry.noop", "--queue", queue], environment: ["GANTRY_API_URL": cli.apiURL, "GANTRY_TOKEN": readOnly.lines.first])
            #expect(forbidden.status == 3, "\(forbidden)")
            // No API anywhere: no variables and no dev folder.
            #expect(try await cli.run(["queues"]).status == 3)
        }
    }

    @Test
    func withoutVariablesTheCLIFindsTheRunningDevOfTheFolderAndKeepsItsTokenToIt() async throws {
        try await CLIHarness.with("cli dev folder") { cli, queue in
            let project = cli.directory.appendingPathComponent("project")
            let dev = project.appendingPathComponent(".gantry")
            let nested = project.appendingPathComponent("src/deep")
            try FileManager.default.createDirectory(at: dev, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
            try (cli.apiURL + "\n").write(to: dev.appendingPathComponent("api-url"), atomically: true, encoding: .utf8)
            try (cli.token + "\n").write(to: dev.appendingPathComponent("admin-token"), atomically: true, encoding: .utf8)

            let submitted = try await cli.run(["submit", "gantry.noop", "--queue", queue], directory: project)
            #expect(submitted.status == 0, "\(submitted)")
            // From a subfolder too, and with --data-dir from anywhere.
            let fromBelow = try await cli.run(["queues", "--json"], directory: nested)
            #expect(fromBelow.status == 0 && fromBelow.stdout.contains(queue), "\(fromBelow)")
            let explicit = try await cli.run(["queues", "--json", "--data-dir", dev.path], directory: cli.directory)
            #expect(explicit.status == 0 && explicit.stdout.contains(queue), "\(explicit)")

            // GANTRY_API_URL pointing elsewhere: the dev's admin token is not sent there.
            let elsewhere = "http://127.0.0.1:\(try freeLoopbackPort())"
            let foreign = try await cli.run(["queues"], environment: ["GANTRY_API_URL": elsewhere], directory: project)
            #expect(foreign.status == 3, "\(foreign)")
            #expect(foreign.stderr.contains("no token"), "\(foreign)")

            // A dev that is no longer running: exit 3 with the file named.
            try ("http://127.0.0.1:\(try freeLoopbackPort())\n").write(to: dev.appendingPathComponent("api-url"), atomically: true, encoding: .utf8)
            let stopped = try await cli.run(["queues"], directory: project)
            #expect(stopped.status == 3, "\(stopped)")
            #expect(stopped.stderr.contains(".gantry/api-url"), "\(stopped)")
        }
    }

    @Test
    func tokensCreatePrintsTheTokenAloneAndListAndRevokeWorkAgainstPostgreSQL() async throws {
        try await CLIHarness.with("cli tokens") { cli, _ in
            let name = TestServers.uniquePrefix("ci")
            let created = try await cli.run(["tokens", "create", "--scopes", "submit,read", "--name", name])
            #expect(created.status == 0, "\(created)")
            #expect(created.lines.count == 1 && created.lines[0].hasPrefix("gty_"), "\(created)")
            let token = created.lines[0]
            #expect(try await cli.run(["queues", "--json"], environment: ["GANTRY_API_URL": cli.apiURL, "GANTRY_TOKEN": token]).status == 0)

            let listed = try await cli.run(["tokens", "list", "--json"])
            let tokens = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            let mine = try #require(tokens.first { $0["name"] as? String == name })
            #expect(mine["scopes"] as? [String] == ["read", "submit"])
            #expect(mine["revoked_at"] is NSNull)
            #expect(!listed.stdout.contains(token), "the secret is never listed")

            let prefix = try #require(mine["prefix"] as? String)
            #expect(try await cli.run(["tokens", "revoke", prefix]).status == 0)
            #expect(try await cli.run(["tokens", "revoke", prefix]).status == 1, "already revoked")
            let after = try await cli.run(["tokens", "list", "--json"])
            let revoked = try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [[String: Any]]
            #expect(revoked?.first { $0["name"] as? String == name }?["revoked_at"] is String)
            #expect(try await cli.run(["tokens", "create", "--scopes", "submit,everything"]).status == 2)
        }
    }

    /// `gantry bench import` (a CRM data import; "migration" names schema changes only) and its old name, kept
    /// hidden for one release, print the same JSON keys: the benchmark's first ones and the constrained COPY's.
    @Test
    func benchImportAndItsHiddenOldNameMigratePrintTheSameJSONKeys() async throws {
        try await CLIHarness.with("cli bench import") { cli, _ in
            let keys: Set = [
                "benchmark", "rows", "batch_size", "concurrency", "elapsed_s", "rows_per_s", "raw_copy_elapsed_s",
                "raw_copy_rows_per_s", "ratio", "accounts_s", "contacts_s", "created", "rejected", "balanced",
                "constrained_copy_elapsed_s", "constrained_copy_rows_per_s", "constrained_ratio",
            ]
            for name in ["import", "migrate"] {
                let run = try await cli.run(
                    ["bench", name, "--json", "--accounts", "40", "--contacts", "160", "--batch-size", "50"], timeoutSeconds: 120)
                #expect(run.status == 0, "\(run)")
                let figures = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
                #expect(Set(figures.keys) == keys)
                #expect(figures["rows"] as? Int == 200)
                #expect(figures["created"] as? Int == 200)
                #expect(figures["balanced"] as? Bool == true)
            }
            let help = try await cli.run(["bench", "--help"])
            #expect(help.stdout.contains("  import "), "\(help)")
            #expect(!help.stdout.contains("  migrate "), "the old name is hidden: \(help)")
        }
    }

    /// The benchmarks' scripts read their JSON keys (`../shared/checks`): small runs of each print exactly those.
    @Test(arguments: [
        (
            ["queue", "--single-jobs", "50", "--jobs", "400", "--enqueue-batch", "100", "--lease-batch", "50"],
            ["enqueue_single_per_s", "enqueue_bulk_per_s", "lease_ack_per_s_c1", "lease_ack_per_s_c8", "lease_ack_per_s_c64",
             "round_trips_per_job", "redis_us_per_job_enqueue", "redis_us_per_job_lease", "redis_us_per_job_ack", "redis_us_per_job",
             "redis_cpu_us_per_job", "jobs", "lease_batch", "enqueue_batch", "lease_ack_per_s_c8_grouped", "grouped_ratio", "groups"]
        ),
        (
            ["ceiling", "--jobs", "400", "--batch", "50"],
            ["lpush_rpop_per_s", "minimal_lease_ack_per_s", "minimal_redis_us_per_job", "jobs", "batch"]
        ),
        (
            ["api", "--connections", "2", "--seconds", "0.2", "--bulk-batch", "100", "--bulk-jobs", "400"],
            ["healthz_per_s", "single_enqueue_per_s", "bulk_enqueue_per_s", "queue_bulk_enqueue_per_s", "single_to_healthz",
             "bulk_to_queue_bulk", "connections", "non_2xx"]
        ),
        (
            ["workers", "--workers", "1", "--concurrency", "8", "--noop-jobs", "200", "--pg-jobs", "100", "--latency-jobs", "5"],
            ["noop_per_s", "noop_per_s_w1", "noop_per_s_w2", "noop_per_s_w4", "pg_row_per_s", "pg_row_ratio", "wait_p50_ms",
             "wait_p90_ms", "wait_p99_ms", "wait_max_ms", "loaded_wait_p50_ms", "loaded_wait_p90_ms", "loaded_wait_p99_ms",
             "loaded_wait_max_ms", "load_per_s", "idle_rss_mb", "busy_rss_mb", "workers", "concurrency", "noop_jobs", "pg_jobs",
             "worker_metrics"]
        ),
        (
            ["scale", "--jobs", "200", "--backlog", "1000", "--projects", "3", "--ticks", "1"],
            ["enqueue_per_s_empty", "enqueue_per_s_backlog", "lease_ack_per_s_empty", "lease_ack_per_s_backlog", "backlog", "jobs",
             "redis_bytes_per_queued_job", "coordinator_tick_ms_p50", "coordinator_tick_ms_max", "coordinator_risk_review_ms_p50",
             "projects", "ticks"]
        ),
    ])
    func benchmarksPrintTheJSONKeysTheirScriptsRead(arguments: [String], keys: [String]) async throws {
        try await CLIHarness.with("cli bench \(arguments[0])") { cli, _ in
            let run = try await cli.run(["bench"] + arguments + ["--json"], timeoutSeconds: 180)
            #expect(run.status == 0, "\(run)")
            let figures = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
            #expect(Set(figures.keys) == Set(keys), "\(run.stdout)")
        }
    }
}
