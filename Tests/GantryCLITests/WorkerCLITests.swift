import Foundation
import GantryTesting
import Testing

/// What the README promises of `gantry worker`, proved on the real binary: the queues and concurrency it takes
/// from the environment, what `--history` keeps, and that a second SIGTERM does not wait for the drain. Part of
/// the CLI suite, so that they run one at a time with its other tests.
extension CLITests {
    @Test
    func aWorkerTakesItsQueuesAndConcurrencyFromTheEnvironmentAndLeasesOnlyFromThoseQueues() async throws {
        try await CLIHarness.with("cli worker env") { cli, mine in
            let other = TestServers.uniquePrefix("envother")
            try cli.startWorker(queues: nil, environment: ["GANTRY_QUEUES": mine, "GANTRY_CONCURRENCY": "3"])
            for queue in [mine, other] {
                for _ in 0..<3 {
                    let submitted = try await cli.run(["submit", "gantry.noop", "--queue", queue], environment: cli.apiEnvironment)
                    #expect(submitted.status == 0, "\(submitted)")
                }
            }
            try await cli.waitUntilFinished(3, in: mine)

            let workers = try await cli.run(["workers", "--json"], environment: cli.apiEnvironment)
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(workers.stdout.utf8)) as? [[String: Any]])
            let worker = try #require(listed.first { ($0["queues"] as? [String]) == [mine] }, "\(workers)")
            #expect(worker["concurrency"] as? Int == 3)
            // The other queue's jobs are never leased by it: all still ready, none processed.
            let untouched = try #require(try await cli.queues()[other])
            #expect(untouched["ready"] as? Int == 3)
            #expect(untouched["leased"] as? Int == 0)
            #expect(untouched["processed"] as? Int == 0)
        }
    }

    @Test(arguments: [("failures", ["dead"]), ("none", [])])
    func historyKeepsOnlyWhatItsModeSays(mode: String, kept: [String]) async throws {
        try await CLIHarness.with("cli history \(mode)") { cli, queue in
            try cli.startWorker(queues: queue, ["--history", mode])
            let succeeds = try await cli.run(["submit", "gantry.noop", "--queue", queue], environment: cli.apiEnvironment)
            #expect(succeeds.status == 0, "\(succeeds)")
            // A project that does not exist fails estimate.simulate for good: dead after its one attempt.
            let fails = try await cli.run(
                [
                    "submit", "estimate.simulate", "--payload", #"{"project_id":"0190b2a4-0000-7000-8000-000000000000"}"#,
                    "--max-attempts", "1", "--queue", queue,
                ], environment: cli.apiEnvironment)
            #expect(fails.status == 0, "\(fails)")
            try await cli.waitUntilFinished(2, in: queue)

            let stats = try #require(try await cli.queues()[queue])
            #expect(stats["processed"] as? Int == 1)
            #expect(stats["dead"] as? Int == 1)
            // History is written before the ack, so what the counters show is already in PostgreSQL.
            #expect(try await cli.historyOutcomes(queue: queue) == kept)
        }
    }

    @Test
    func aSecondSIGTERMExitsAtOnceWithoutWaitingForTheDrain() async throws {
        try await CLIHarness.with("cli second sigterm") { cli, queue in
            // A drain would wait 60 s for the running job; the test allows a tenth of that.
            let worker = try cli.start(
                ["worker", "--queues", queue, "--grace", "60", "--lease", "5", "--log-level", "debug"], log: "impatient.log")
            let submitted = try await cli.run(
                ["submit", "gantry.sleep", "--payload", #"{"ms":600000}"#, "--queue", queue], environment: cli.apiEnvironment)
            #expect(submitted.status == 0, "\(submitted)")
            try await eventually("the worker to lease the job", timeout: .seconds(30), every: .milliseconds(100)) {
                try await cli.queues()[queue]?["leased"] as? Int == 1
            }

            worker.signal(SIGTERM)
            try await eventually("the worker to begin its drain", timeout: .seconds(10), every: .milliseconds(20)) {
                worker.output.contains("Signal caught. Shutting down the group.")
            }
            #expect(!worker.hasExited, "the first SIGTERM drains: the running job keeps the worker alive")
            worker.signal(SIGTERM)
            try await worker.waitForExit(timeout: .seconds(6))
            #expect(worker.status == 130, "exit status \(worker.status): \(worker.output.suffix(2_000))")
            // It did not wait for the job: the job is still leased (its lease brings it back later).
            #expect(try await cli.queues()[queue]?["leased"] as? Int == 1)
        }
    }
}
