import Foundation
import GantryTesting
import Testing

/// `gantry import --dry-run` and `--encoding` through the real binary and a real `gantry api`.
@Suite("gantry import --dry-run", .enabled(if: TestServers.areAvailable))
struct ImportDryRunCLITests {
    @Test
    func aDryRunOfAGBKFxiaokeExportPrintsTheCountsTheImportThenHasAndStoresNothing() async throws {
        try await CLIHarness.with("cli import dry run") { cli, _ in
            let created = try await cli.run(
                [
                    "projects", "create", "--name", "纷享迁移", "--client", "纷享客户", "--client-size", "medium",
                    "--start", "2026-03-02", "--target", "2026-12-01", "--complexity", "medium", "--team", "medium",
                    "--management", "medium",
                ], environment: cli.apiEnvironment)
            try #require(created.status == 0 && created.lines.count == 1, "\(created)")
            let project = created.lines[0]
            let file = cli.directory.appendingPathComponent("客户.csv")
            try Data(FxiaokeExport.gb18030(FxiaokeExport.accounts)).write(to: file)
            let arguments = ["import", file.path, "--project", project, "--entity", "accounts", "--profile", "fxiaoke"]

            let dryRun = try await cli.run(arguments + ["--dry-run"], environment: cli.apiEnvironment)
            #expect(dryRun.status == 0, "\(dryRun)")
            #expect(dryRun.stdout.contains("dry run (nothing was stored): accounts from 客户.csv, 3 rows in 1 batches"), "\(dryRun)")
            #expect(dryRun.stdout.contains("would be: 3 created, 0 updated, 0 unchanged, 0 rejected"), "\(dryRun)")
            #expect(dryRun.stdout.contains("decoded as GB18030"), "\(dryRun)")
            #expect(dryRun.stdout.contains("ignored columns: 客户级别, 地址, 负责人, 创建时间"), "\(dryRun)")
            #expect(dryRun.stdout.contains("reconciliation: would balance"), "\(dryRun)")

            let json = try await cli.run(arguments + ["--dry-run", "--json", "--encoding", "gbk"], environment: cli.apiEnvironment)
            let answer = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(answer?["counts"] as? [String: Int] == ["created": 3, "updated": 0, "unchanged": 0, "rejected": 0], "\(json)")

            try cli.startWorker(queues: "default")
            let imported = try await cli.run(arguments + ["--wait"], environment: cli.apiEnvironment, timeoutSeconds: 120)
            #expect(imported.status == 0, "\(imported)")
            #expect(imported.stdout.contains("accounts from 客户.csv: 3 created, 0 updated, 0 unchanged, 0 rejected"), "\(imported)")
            #expect(imported.stderr.contains("decoded as GB18030"), "\(imported)")

            let again = try await cli.run(arguments + ["--dry-run"], environment: cli.apiEnvironment)
            #expect(again.stdout.contains("would be: 0 created, 0 updated, 3 unchanged, 0 rejected"), "\(again)")

            let refused = try await cli.run(arguments + ["--dry-run", "--encoding", "utf-8"], environment: cli.apiEnvironment)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("not UTF-8") && refused.stderr.contains("offset 0 (line 1)"), "\(refused)")
            let both = try await cli.run(arguments + ["--dry-run", "--wait"], environment: cli.apiEnvironment)
            #expect(both.status != 0 && both.stderr.contains("--dry-run"), "\(both)")
        }
    }
}
